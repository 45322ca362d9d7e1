package io.github.nmsparse.engine.network;

import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.Objective;
import io.github.nmsparse.engine.SoftmaxCrossEntropy;
import io.github.nmsparse.engine.SquaredError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backpropagation through every kind of block against central finite differences, on dense weights and on masked
 * ones (W~): every parameter's gradient (weights, biases, batch normalization's scale and shift) in networks that
 * between them hold dense layers, convolutions with stride and padding, batch normalization on images and vectors,
 * max and average pooling, global average pooling, flatten, and residual blocks with and without a projection; on
 * both ways of running convolutions and max pooling (ND4J's oneDNN ops, and im2col with Java loops).
 */
class GradientCheckTest {

    private static final int ROWS = 5;
    private static final float EPS = 2e-3f;
    private static final NMPattern TWO_FOUR = NMPattern.parse("2:4");

    static Stream<Arguments> networks() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean masked : List.of(false, true)) {
            for (String activation : List.of("relu", "tanh", "gelu")) {
                cases.add(Arguments.of("mlp " + activation, Shape.vector(7), "dense 6, " + activation + ", dense 5, " + activation, masked));
            }
            cases.add(Arguments.of("mlp with batch normalization", Shape.vector(7), "dense 6, bn, gelu, dense 5, tanh", masked));
            cases.add(Arguments.of("convolutions, batch normalization, max pooling", new Shape(2, 6, 6),
                    "conv 4x3p1, bn, tanh, maxpool 2, conv 4x3p1, bn, tanh, flatten, dense 5, tanh", masked));
            cases.add(Arguments.of("strided convolution, average pooling", new Shape(2, 7, 7),
                    "conv 4x3s2p1, tanh, avgpool 2, flatten, dense 5, tanh", masked));
            cases.add(Arguments.of("residual blocks, identity and projection, global average pooling", new Shape(2, 6, 6),
                    "conv 4x3p1, bn, tanh, residual(conv 4x3p1, bn, tanh, conv 4x3p1, bn), tanh, "
                            + "residual(conv 8x3s2p1, bn, tanh, conv 8x3p1, bn), tanh, gap", masked));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, masked {3}")
    @MethodSource("networks")
    void gradientsMatchFiniteDifferences(String name, Shape input, String blocks, boolean masked) {
        // Both ways of running convolutions and pooling: ND4J's oneDNN ops where that build is loaded, and im2col.
        for (boolean oneDnn : List.of(true, false)) {
            Nd4jRuntime.useOneDnn(oneDnn);
            try {
                for (Objective objective : List.of(new SoftmaxCrossEntropy(), new SquaredError())) {
                    check(name + (oneDnn && Nd4jRuntime.oneDnn() ? " on oneDNN" : ""), Architecture.builder(input).pattern(TWO_FOUR)
                            .initialization(Activation.TANH).blocks(blocks).output(3, true).build(), masked, objective);
                }
            } finally {
                Nd4jRuntime.useOneDnn(true);
            }
        }
    }

    private static void check(String name, Architecture architecture, boolean masked, Objective objective) {
        Network net = Network.initialize(architecture, masked, new SplittableRandom(7));
        for (Parameter p : net.parameters()) {
            if (!p.decays()) {
                // Biases and normalization shifts off zero, so that activations' kinks are rarely hit exactly.
                for (int k = 0; k < p.size(); k++) {
                    p.values().put(k, p.values().get(k) + 0.05f * (k % 5 + 1));
                }
            }
        }
        net.sparseWeights().forEach(SparseWeights::refreshMask);
        Workspace ws = net.workspace(ROWS, true);
        SplittableRandom rng = new SplittableRandom(11);
        FloatBuffer in = ws.input();
        for (int i = 0; i < ROWS * net.inputs(); i++) {
            in.put(i, (float) rng.nextGaussian());
        }
        float[] targets = new float[ROWS * net.outputs()];
        boolean regression = objective instanceof SquaredError;
        for (int r = 0; r < ROWS; r++) {
            for (int k = 0; k < net.outputs(); k++) {
                targets[r * net.outputs() + k] = regression ? (float) rng.nextGaussian() : (k == r % net.outputs() ? 1f : 0f);
            }
        }
        loss(net, ws, objective, targets, ws.outputGradient());
        net.backward(ws);
        int checked = 0;
        int compared = 0;
        for (Parameter p : net.parameters()) {
            // A masked layer's forward pass multiplies by W~: its gradient is dLoss/dW~.
            FloatBuffer values = p.sparse() != null ? p.sparse().maskedWeights() : p.values();
            float[] analytic = new float[p.size()];
            p.gradients().get(0, analytic);
            for (int i = 0; i < p.size(); i += 2) {
                compared++;
                float original = values.get(i);
                double centre = loss(net, ws, objective, targets, new float[targets.length]);
                values.put(i, original + EPS);
                double plus = loss(net, ws, objective, targets, new float[targets.length]);
                values.put(i, original - EPS);
                double minus = loss(net, ws, objective, targets, new float[targets.length]);
                values.put(i, original);
                double forward = (plus - centre) / EPS;
                double backward = (centre - minus) / EPS;
                double numeric = (plus - minus) / (2 * EPS);
                if (Math.abs(forward - backward) > 1e-3 + 1e-2 * Math.abs(numeric)) {
                    continue; // the slope jumps within EPS: a kink (ReLU, a pooling window's maximum), no derivative there
                }
                assertEquals(numeric, analytic[i], 2e-3 + 2e-2 * Math.abs(numeric),
                        name + " (" + objective.getClass().getSimpleName() + "): parameter " + p.index() + " [" + p.rows() + "x" + p.cols() + "] value " + i);
                checked++;
            }
        }
        assertTrue(checked > 0.8 * compared, name + ": checked " + checked + " of " + compared);
    }

    private static double loss(Network net, Workspace ws, Objective objective, float[] targets, float[] gradient) {
        net.forward(ws);
        return objective.lossAndGradient(ws.outputs(), targets, gradient, ROWS, net.outputs());
    }
}

package io.github.nmsparse.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Backpropagation against central finite differences, on dense and on masked (W~) weights. */
class GradientCheckTest {

    private static final int ROWS = 6;

    private static Mlp network(Activation activation, boolean sparse, long seed) {
        NetworkSpec spec = NetworkSpec.builder().inputs(7).hiddenSizes(6, 5).outputs(3).activation(activation)
                .pattern(io.github.nmsparse.core.NMPattern.parse("2:4")).sparseOutput(true).build();
        Mlp net = spec.initialize(new SplittableRandom(seed), sparse);
        for (Layer layer : net.layers()) {
            // Non-zero biases so that ReLU's kink is rarely hit exactly.
            for (int k = 0; k < layer.biasValues().length; k++) {
                layer.biasValues()[k] = 0.1f * (k + 1);
            }
            if (layer.sparse() != null) {
                layer.sparse().refreshMask();
            }
        }
        return net;
    }

    private static Workspace workspace(Mlp net, boolean regression, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Workspace ws = new Workspace(net, ROWS, true);
        for (int i = 0; i < ROWS * net.inputs(); i++) {
            ws.inputBuffer.put(i, (float) rng.nextGaussian());
        }
        for (int r = 0; r < ROWS; r++) {
            for (int k = 0; k < net.outputs(); k++) {
                float target = regression ? (float) rng.nextGaussian() : (k == r % net.outputs() ? 1f : 0f);
                ws.targets[r * net.outputs() + k] = target;
            }
        }
        return ws;
    }

    private static double loss(Mlp net, Workspace ws, Objective objective) {
        net.forward(ws);
        return objective.lossAndGradient(ws.outputs(), ws.targets, ws.outputGradient(), ROWS, net.outputs());
    }

    /** @return 1 when compared, 0 when skipped because the perturbation crosses ReLU's kink */
    private static int compare(Mlp net, Workspace ws, Objective objective, Activation activation, FloatBuffer values,
                               int index, float analytic, String what) {
        float eps = 1e-2f;
        float original = values.get(index);
        values.put(index, original + eps);
        double plus = loss(net, ws, objective);
        String signsPlus = hiddenSigns(net, ws);
        values.put(index, original - eps);
        double minus = loss(net, ws, objective);
        String signsMinus = hiddenSigns(net, ws);
        values.put(index, original);
        if (activation == Activation.RELU && !signsPlus.equals(signsMinus)) {
            return 0;
        }
        double numeric = (plus - minus) / (2 * eps);
        assertEquals(numeric, analytic, 2e-3 + 2e-2 * Math.abs(numeric), activation + " " + what);
        return 1;
    }

    private static String hiddenSigns(Mlp net, Workspace ws) {
        StringBuilder signs = new StringBuilder();
        for (int i = 0; i < net.layers().size() - 1; i++) {
            for (float z : ws.z[i]) {
                signs.append(z > 0 ? '+' : '-');
            }
        }
        return signs.toString();
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void denseGradientsMatchFiniteDifferences(Activation activation) {
        check(activation, false, new SoftmaxCrossEntropy(), false);
        check(activation, false, new SquaredError(), true);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void maskedGradientsAreWithRespectToTheMaskedWeights(Activation activation) {
        check(activation, true, new SoftmaxCrossEntropy(), false);
        check(activation, true, new SquaredError(), true);
    }

    private static void check(Activation activation, boolean sparse, Objective objective, boolean regression) {
        Mlp net = network(activation, sparse, 7);
        Workspace ws = workspace(net, regression, 11);
        loss(net, ws, objective);
        net.backward(ws);
        int checked = 0;
        for (Layer layer : net.layers()) {
            FloatBuffer weights = layer.forwardWeights().data().asNioFloat();
            float[] analytic = layer.weightGradient().data().asFloat();
            for (int i = 0; i < analytic.length; i++) {
                checked += compare(net, ws, objective, activation, weights, i, analytic[i],
                        "weight " + i + " of a " + layer.outputs() + "x" + layer.inputs() + " layer");
            }
            float[] biasGradient = layer.biasGradient().clone();
            for (int k = 0; k < biasGradient.length; k++) {
                checked += compare(net, ws, objective, activation, FloatBuffer.wrap(layer.biasValues()), k, biasGradient[k],
                        "bias " + k);
            }
        }
        assertTrue(checked > 80, checked + " weights checked");
        if (sparse) {
            assertNotSame(net.layers().get(0).weight(), net.layers().get(0).forwardWeights(), "a masked layer's forward pass reads W~");
        }
    }
}

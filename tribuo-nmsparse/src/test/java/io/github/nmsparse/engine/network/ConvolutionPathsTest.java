package io.github.nmsparse.engine.network;

import io.github.nmsparse.core.NMPattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two ways the engine runs convolutions and max pooling, with oneDNN (its convolution primitives, ND4J's maxpool2d op)
 * and elsewhere (im2col with GEMM, and Java loops), compute the same outputs and gradients: the same network, weights
 * and batch through both: training steps on the fused executor's blocks, and predictions on the fused and the ops
 * executor's blocks (the executors' training steps are compared in lockstep elsewhere). Both paths stay tested on every
 * machine: the oneDNN build is on the tests' class path on Linux x86_64, and {@link Nd4jRuntime#useOneDnn} turns its
 * ops off for the other path.
 */
class ConvolutionPathsTest {

    private static final int ROWS = 6;

    @AfterEach
    void restore() {
        Nd4jRuntime.useOneDnn(true);
    }

    @Test
    void theOneDnnBuildLoadsWhereThePomAddsIt() {
        boolean linuxX86 = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
        assertEquals(linuxX86, Nd4jRuntime.oneDnn(), "the pom adds ND4J's oneDNN build on Linux x86_64, and only there");
        assertEquals(linuxX86, Nd4jRuntime.configureThisThread().nativeBuild().endsWith("-onednn"),
                Nd4jRuntime.configureThisThread().nativeBuild());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "conv 8x3p1, relu, maxpool 2, conv 16x3p1, relu, maxpool 2, flatten",
            "conv 4x3p1, conv 6x3s2p1, tanh, conv 6x1, maxpool 3, flatten",
            "conv 8x5, relu, conv 8x3s2, relu, flatten",
            "conv 8x3p1, bn, relu, residual(conv 8x3p1, bn, relu, conv 8x3p1, bn), relu, residual(conv 16x3s2p1, bn, relu, conv 16x3p1, bn), relu, gap"})
    void bothPathsComputeTheSameOutputsAndGradients(String blocks) {
        assertTrue(Nd4jRuntime.oneDnn(), "these tests compare the paths where ND4J's oneDNN build is loaded");
        for (boolean masked : List.of(false, true)) {
            Architecture architecture = Architecture.builder(new Shape(3, 13, 13)).pattern(NMPattern.parse("2:4")).blocks(blocks)
                    .output(5, true).build();
            Network net = Network.initialize(architecture, masked, new SplittableRandom(3));
            net.sparseWeights().forEach(SparseWeights::refreshMask);
            Nd4jRuntime.useOneDnn(false);
            List<float[]> im2col = step(net);
            Nd4jRuntime.useOneDnn(true);
            List<float[]> ops = step(net);
            for (int i = 0; i < ops.size(); i++) {
                float[] expected = im2col.get(i);
                float[] actual = ops.get(i);
                float scale = 0f;
                for (float v : expected) {
                    scale = Math.max(scale, Math.abs(v));
                }
                assertTrue(scale > 0f, blocks + ": array " + i + " is all zero, so it compares nothing");
                // A bias right before a batch normalization has a true gradient of exactly zero: both paths give
                // rounding noise around it (about 1e-7 here), which agrees only in being that small.
                float noise = scale < 1e-5f ? 1e-5f : 1e-6f;
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(expected[k], actual[k], 2e-5f * scale + noise, blocks + " (masked " + masked + "): array " + i + " value " + k);
                }
            }
            assertPredictionsAgree(net, blocks);
        }
    }

    /** @return the outputs and then every parameter's gradient after one forward and backward pass */
    private static List<float[]> step(Network net) {
        Workspace ws = net.workspace(ROWS, true);
        SplittableRandom rng = new SplittableRandom(5);
        FloatBuffer in = ws.input();
        for (int i = 0; i < ROWS * net.inputs(); i++) {
            in.put(i, (float) rng.nextGaussian());
        }
        net.forward(ws);
        List<float[]> arrays = new ArrayList<>();
        arrays.add(ws.outputs().clone());
        float[] gradient = ws.outputGradient();
        for (int i = 0; i < ROWS * net.outputs(); i++) {
            gradient[i] = (float) rng.nextGaussian();
        }
        net.backward(ws);
        for (Parameter p : net.parameters()) {
            float[] values = new float[p.size()];
            p.gradients().get(0, values);
            arrays.add(values);
        }
        return arrays;
    }

    /**
     * Prediction (batch normalization on its running statistics) by the fused blocks and by the ops executor's
     * blocks, each on both paths, agrees with the fused blocks' on the im2col path.
     */
    private static void assertPredictionsAgree(Network net, String blocks) {
        float[] features = new float[ROWS * net.inputs()];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) rng.nextGaussian();
        }
        Nd4jRuntime.useOneDnn(false);
        float[] reference = net.predict(features, ROWS);
        for (boolean oneDnn : List.of(false, true)) {
            Nd4jRuntime.useOneDnn(oneDnn);
            DeviceNetwork device = DeviceNetwork.of(net);
            device.load();
            float[] ops = device.predict(features, ROWS);
            float[] fused = net.predict(features, ROWS);
            for (int k = 0; k < reference.length; k++) {
                float tolerance = 1e-4f * (1 + Math.abs(reference[k]));
                assertEquals(reference[k], ops[k], tolerance, blocks + ": the ops executor's prediction " + k + " with oneDNN " + oneDnn);
                assertEquals(reference[k], fused[k], tolerance, blocks + ": the fused prediction " + k + " with oneDNN " + oneDnn);
            }
        }
    }
}

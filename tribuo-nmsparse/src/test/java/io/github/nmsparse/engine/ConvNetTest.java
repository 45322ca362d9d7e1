package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMMask;
import io.github.nmsparse.core.NMPattern;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Convolution stages: the layout of their weights and masks, their forward pass, their gradients, and training. */
class ConvNetTest {

    private static final NMPattern TWO_FOUR = NMPattern.parse("2:4");

    /** A direct convolution of one channels-first image, for comparison: out[h][w][o] before the activation. */
    private static float[] directConvolution(float[] image, int channels, int height, int width, float[] weights,
                                             float[] bias, ConvSpec spec) {
        int k = spec.kernel();
        int outH = (height + 2 * spec.padding() - k) / spec.stride() + 1;
        int outW = (width + 2 * spec.padding() - k) / spec.stride() + 1;
        float[] out = new float[outH * outW * spec.channels()];
        for (int oh = 0; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow++) {
                for (int o = 0; o < spec.channels(); o++) {
                    double sum = bias[o];
                    for (int kh = 0; kh < k; kh++) {
                        for (int kw = 0; kw < k; kw++) {
                            int h = oh * spec.stride() - spec.padding() + kh;
                            int w = ow * spec.stride() - spec.padding() + kw;
                            if (h < 0 || h >= height || w < 0 || w >= width) {
                                continue;
                            }
                            for (int c = 0; c < channels; c++) {
                                // Weights [o][kh][kw][c]; the image [c][h][w].
                                sum += weights[((o * k + kh) * k + kw) * channels + c] * image[(c * height + h) * width + w];
                            }
                        }
                    }
                    out[(oh * outW + ow) * spec.channels() + o] = (float) sum;
                }
            }
        }
        return out;
    }

    @Test
    void aStageComputesTheDirectConvolutionThenPools() {
        ConvSpec spec = new ConvSpec(3, 3, 2, 1, 2);
        Mlp net = NetworkSpec.builder().inputShape(2, 9, 7).convolutions(spec).outputs(2).build().initialize(new SplittableRandom(4), false);
        ConvStage stage = net.stages().get(0);
        assertEquals(3 * 2 * 2, stage.outputSize(), "9x7 -> 5x4 by the stride-2 convolution -> 2x2 by pooling, 3 channels");
        SplittableRandom rng = new SplittableRandom(5);
        float[] image = new float[2 * 9 * 7];
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) rng.nextGaussian();
        }
        float[] bias = stage.layer().biasValues();
        for (int o = 0; o < 3; o++) {
            bias[o] = 0.1f * o;
        }
        float[] weights = stage.layer().forwardWeights().data().asFloat();
        float[] expected = directConvolution(image, 2, 9, 7, weights, bias, spec);
        ConvStage.Buffers buffers = stage.buffers(1, false);
        stage.forward(image, buffers, Activation.TANH);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], buffers.z[i], 1e-5, "pre-activation " + i);
        }
        // Max pooling of the 5x4 map in 2x2 windows: rows 0-1 and 2-3 (row 4 dropped), columns 0-1 and 2-3.
        for (int ph = 0; ph < 2; ph++) {
            for (int pw = 0; pw < 2; pw++) {
                for (int o = 0; o < 3; o++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int dh = 0; dh < 2; dh++) {
                        for (int dw = 0; dw < 2; dw++) {
                            max = Math.max(max, (float) Math.tanh(expected[((2 * ph + dh) * 4 + 2 * pw + dw) * 3 + o]));
                        }
                    }
                    assertEquals(max, buffers.pooled[(ph * 2 + pw) * 3 + o], 1e-5);
                }
            }
        }
    }

    @Test
    void nmGroupsRunAlongInputChannelsOfEachKernelPosition() {
        // One output channel, a 2x2 kernel over 4 input channels: the row is [kh][kw][c], 16 weights, 4 groups of 4,
        // one per kernel position. In each group the two largest magnitudes are kept.
        float[] row = {
                // (0,0): c0..c3          (0,1)                  (1,0)                  (1,1)
                9, 1, 2, 8, /**/ 1, 7, 6, 2, /**/ -5, 4, -3, 0.5f, /**/ 0.1f, 0.2f, 0.4f, 0.3f};
        NMLayout layout = new NMLayout(1, 16, TWO_FOUR);
        NMMask mask = NMMask.of(FloatBuffer.wrap(row), layout);
        boolean[] expected = {
                true, false, false, true, /**/ false, true, true, false, /**/ true, true, false, false, /**/ false, false, true, true};
        for (int i = 0; i < 16; i++) {
            assertEquals(expected[i], mask.isKept(0, i), "weight (kh, kw, c) = (" + i / 8 + ", " + i / 4 % 2 + ", " + i % 4 + ")");
        }
        // The same grouping inside a network: the first stage's weight matrix is out x (k*k*in), patches (kh, kw, c).
        Mlp net = NetworkSpec.builder().inputShape(4, 3, 3).convolutions(new ConvSpec(1, 2, 1, 0, 1)).outputs(2)
                .pattern(TWO_FOUR).build().initialize(new SplittableRandom(1), true);
        Layer conv = net.stages().get(0).layer();
        assertEquals(16, conv.inputs());
        assertEquals(new NMLayout(1, 16, TWO_FOUR), conv.sparse().layout());
        // A first layer with fewer channels than M: its 3x3x1 row of 9 weights is groups {0-3}, {4-7} and {8}, the
        // last keeping min(N, 1) = 1, so groups run on across kernel positions.
        Mlp gray = NetworkSpec.builder().inputShape(1, 5, 5).convolutions(new ConvSpec(2, 3, 1, 0, 1)).outputs(2)
                .pattern(TWO_FOUR).build().initialize(new SplittableRandom(1), true);
        NMLayout first = gray.stages().get(0).layer().sparse().layout();
        assertEquals(3, first.groupsPerRow());
        assertEquals(1, first.keep(2));
    }

    @Test
    void backpropagationThroughConvolutionsAndPoolingMatchesFiniteDifferences() {
        for (boolean sparse : List.of(false, true)) {
          for (boolean batchNorm : List.of(false, true)) {
            NetworkSpec spec = NetworkSpec.builder().inputShape(2, 6, 6)
                    .convolutions(new ConvSpec(4, 3, 1, 1, batchNorm, 2), new ConvSpec(4, 3, 1, 1, batchNorm, 1)).hiddenSizes(5).outputs(3)
                    .activation(Activation.TANH).pattern(TWO_FOUR).build();
            Mlp net = spec.initialize(new SplittableRandom(11), sparse);
            for (Layer layer : net.allLayers()) {
                for (int k = 0; k < layer.biasValues().length; k++) {
                    layer.biasValues()[k] = 0.05f * (k + 1);
                }
                if (layer.sparse() != null) {
                    layer.sparse().refreshMask();
                }
            }
            int rows = 3;
            Workspace ws = new Workspace(net, rows, true);
            SplittableRandom rng = new SplittableRandom(12);
            for (int i = 0; i < rows * net.inputs(); i++) {
                ws.inputBuffer.put(i, (float) rng.nextGaussian());
            }
            for (int r = 0; r < rows; r++) {
                ws.targets[r * 3 + r % 3] = 1f;
            }
            Objective objective = new SoftmaxCrossEntropy();
            net.forward(ws);
            objective.lossAndGradient(ws.outputs(), ws.targets, ws.outputGradient(), rows, 3);
            net.backward(ws);
            int checked = 0;
            for (Layer layer : List.of(net.stages().get(0).layer(), net.stages().get(1).layer())) {
                FloatBuffer weights = layer.forwardWeights().data().asNioFloat();
                FloatBuffer gradient = layer.weightGradient().data().asNioFloat();
                float[] analytic = new float[layer.inputs() * layer.outputs()];
                gradient.get(0, analytic);
                for (int i = 0; i < analytic.length; i += 3) {
                    if (sparse && weights.get(i) == 0f) {
                        continue;
                    }
                    float original = weights.get(i);
                    weights.put(i, original + 1e-2f);
                    double plus = loss(net, ws, objective, rows);
                    int[] poolPlus = ws.stages[0].argMax.clone();
                    weights.put(i, original - 1e-2f);
                    double minus = loss(net, ws, objective, rows);
                    boolean sameWinners = java.util.Arrays.equals(poolPlus, ws.stages[0].argMax);
                    weights.put(i, original);
                    if (!sameWinners) {
                        continue; // the perturbation moves a pooling window's maximum: the loss has a kink there
                    }
                    double numeric = (plus - minus) / 2e-2;
                    assertEquals(numeric, analytic[i], 2e-3 + 2e-2 * Math.abs(numeric), (sparse ? "W~ " : "W ") + i);
                    checked++;
                }
                float[] biasGradient = layer.biasGradient().clone();
                for (int o = 0; o < layer.outputs(); o++) {
                    float original = layer.biasValues()[o];
                    layer.biasValues()[o] = original + 1e-2f;
                    double plus = loss(net, ws, objective, rows);
                    layer.biasValues()[o] = original - 1e-2f;
                    double minus = loss(net, ws, objective, rows);
                    layer.biasValues()[o] = original;
                    assertEquals((plus - minus) / 2e-2, biasGradient[o], 2e-3 + 2e-2 * Math.abs((plus - minus) / 2e-2), "bias " + o);
                }
            }
            for (ConvStage stage : net.stages()) {
                BatchNorm norm = stage.norm();
                if (norm == null) {
                    continue;
                }
                float[] gammaGradient = norm.gammaGradient.clone();
                float[] betaGradient = norm.betaGradient.clone();
                for (int c = 0; c < norm.channels; c++) {
                    for (float[] values : List.of(norm.gamma, norm.beta)) {
                        float original = values[c];
                        values[c] = original + 1e-2f;
                        double plus = loss(net, ws, objective, rows);
                        int[] poolPlus = ws.stages[0].argMax.clone();
                        values[c] = original - 1e-2f;
                        double minus = loss(net, ws, objective, rows);
                        boolean sameWinners = java.util.Arrays.equals(poolPlus, ws.stages[0].argMax);
                        values[c] = original;
                        if (sameWinners) {
                            double numeric = (plus - minus) / 2e-2;
                            float analytic = values == norm.gamma ? gammaGradient[c] : betaGradient[c];
                            assertEquals(numeric, analytic, 2e-3 + 2e-2 * Math.abs(numeric), (values == norm.gamma ? "gamma " : "beta ") + c);
                            checked++;
                        }
                    }
                }
            }
            assertTrue(checked > 20, "checked " + checked);
          }
        }
    }

    @Test
    void everyTrainingMethodTrainsConvolutionsAndKeepsThemNMValid() throws Exception {
        TrainingData data = bars(240, 6);
        for (TrainingMethod method : TrainingMethod.values()) {
            NetworkSpec spec = NetworkSpec.builder().inputShape(1, 6, 6).convolutions(ConvSpec.parse("8x3p1/2"))
                    .hiddenSizes(16).outputs(data.outputs()).pattern(TWO_FOUR).build();
            TrainingPlan plan = TrainingPlan.builder().method(method, new TrainingMethod.Settings(2e-4, 0.5))
                    .optimizer(new AdamW(1e-4)).learningRate(1e-2).epochs(8).warmupEpochs(1).batchSize(40).seed(5).build();
            TrainingResult result = NetworkTrainer.train(spec, new SoftmaxCrossEntropy(), plan, data, List.of());
            List<EpochRecord> history = result.history();
            assertTrue(history.get(history.size() - 1).loss() < 0.7 * history.get(0).loss(), method + " learns: "
                    + history.stream().map(r -> String.format("%.3f", r.loss())).toList());
            NetworkSnapshot snapshot = NetworkSnapshot.of(result.network());
            assertEquals(method != TrainingMethod.DENSE, snapshot.layers().get(0).sparse(), method.toString());
            assertTrue(snapshot.layers().get(0).validity().isValid(), method + ": the convolution is N:M-valid");
        }
    }

    @Test
    void batchNormalizationFoldsIntoTheConvolutionKeepingPredictionsAndNM() throws Exception {
        TrainingData data = bars(300, 9);
        NetworkSpec spec = NetworkSpec.builder().inputShape(1, 6, 6).convolutions(ConvSpec.parse("8x3p1bn/2"))
                .hiddenSizes(16).outputs(data.outputs()).pattern(TWO_FOUR).build();
        TrainingPlan plan = TrainingPlan.builder().method(TrainingMethod.SR_STE, new TrainingMethod.Settings(2e-4, 0.5))
                .optimizer(new AdamW(1e-4)).learningRate(1e-2).epochs(6).warmupEpochs(1).batchSize(40).seed(3).build();
        Mlp network = NetworkTrainer.train(spec, new SoftmaxCrossEntropy(), plan, data, List.of()).network();
        BatchNorm norm = network.stages().get(0).norm();
        assertFalse(norm.runningMean[0] == 0f && norm.runningVariance[0] == 1f, "training moved the running statistics");
        float[] unfolded = network.predict(data.features(), data.rows());
        NetworkSnapshot snapshot = NetworkSnapshot.of(network);
        float[] folded = snapshot.toNetwork().predict(data.features(), data.rows());
        for (int i = 0; i < unfolded.length; i++) {
            assertEquals(unfolded[i], folded[i], 1e-4 * Math.max(1, Math.abs(unfolded[i])), "output " + i);
        }
        assertEquals(List.of(ConvSpec.parse("8x3p1/2")), snapshot.convolutions(), "the normalization is in the weights now");
        assertTrue(snapshot.layers().get(0).validity().isValid(), "scaling rows keeps their zeros");
    }

    private static double loss(Mlp net, Workspace ws, Objective objective, int rows) {
        net.forward(ws);
        return objective.lossAndGradient(ws.outputs(), ws.targets, new float[ws.outputs().length], rows, net.outputs());
    }

    @Test
    void anSrSteConvolutionalNetworkLearnsAndStaysNMValid() throws Exception {
        TrainingData data = bars(300, 9);
        NetworkSpec spec = NetworkSpec.builder().inputShape(1, 6, 6).convolutions(new ConvSpec(8, 3, 1, 1, 2))
                .hiddenSizes(16).outputs(data.outputs()).pattern(TWO_FOUR).build();
        TrainingPlan plan = TrainingPlan.builder().method(TrainingMethod.SR_STE, new TrainingMethod.Settings(2e-4, 0.5))
                .optimizer(new AdamW(1e-4)).learningRate(1e-2).epochs(12).warmupEpochs(1).batchSize(40).seed(3).build();
        TrainingResult result = NetworkTrainer.train(spec, new SoftmaxCrossEntropy(), plan, data, List.of());
        List<EpochRecord> history = result.history();
        assertTrue(history.get(history.size() - 1).loss() < 0.5 * history.get(0).loss(), "loss falls: " + history.get(0).loss()
                + " -> " + history.get(history.size() - 1).loss());
        assertEquals(2, history.get(0).layerSad().size(), "SAD covers the convolution and the hidden layer");
        Layer conv = result.network().stages().get(0).layer();
        assertTrue(conv.sparse().currentMask().isValid());
        assertFalse(history.stream().allMatch(r -> r.layerSad().get(0) == 0), "the convolution's mask moves during training");
        TrainingResult again = NetworkTrainer.train(spec, new SoftmaxCrossEntropy(), plan, data, List.of());
        assertArrayEquals(conv.weight().data().asFloat(), again.network().stages().get(0).layer().weight().data().asFloat(),
                "a seeded convolutional run is reproducible");
    }

    /** 6x6 images of a horizontal bar, a vertical bar or a 2x2 square at a random place, in noise: three classes. */
    private static TrainingData bars(int rows, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[rows * 36];
        float[] y = new float[rows * 3];
        for (int r = 0; r < rows; r++) {
            int kind = r % 3;
            int at = rng.nextInt(5);
            int other = rng.nextInt(5);
            for (int i = 0; i < 36; i++) {
                int h = i / 6;
                int w = i % 6;
                boolean on = kind == 0 ? h == at : kind == 1 ? w == at : (h == at || h == at + 1) && (w == other || w == other + 1);
                x[r * 36 + i] = (on ? 1f : 0f) + 0.3f * (float) rng.nextGaussian();
            }
            y[r * 3 + kind] = 1f;
        }
        return new TrainingData(x, y, rows);
    }

    @Test
    void aConvolutionalRunWithBatchNormalizationResumesBitIdentical(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        TrainingData data = bars(200, 4);
        NetworkSpec spec = NetworkSpec.builder().inputShape(1, 6, 6).convolutions(ConvSpec.parse("4x3p1bn/2"), ConvSpec.parse("8x3bn"))
                .hiddenSizes(8).outputs(data.outputs()).pattern(TWO_FOUR).build();
        TrainingPlan plan = TrainingPlan.builder().method(TrainingMethod.SR_STE, new TrainingMethod.Settings(2e-4, 0.5))
                .optimizer(new AdamW(1e-4)).learningRate(1e-2).epochs(5).warmupEpochs(1).batchSize(40).seed(8).build();
        TrainingResult uninterrupted = NetworkTrainer.train(spec, new SoftmaxCrossEntropy(), plan, data, List.of());
        CheckpointPolicy policy = new CheckpointPolicy(dir, 1);
        TrainingListener crash = (record, epochs) -> {
            if (record.epoch() == 2) {
                throw new IllegalStateException("stop");
            }
        };
        assertThrows(IllegalStateException.class, () -> NetworkTrainer.train(spec, new SoftmaxCrossEntropy(), plan, data, List.of(crash), policy));
        TrainingResult resumed = NetworkTrainer.train(spec, new SoftmaxCrossEntropy(), plan, data, List.of(), policy);
        NetworkSnapshot a = NetworkSnapshot.of(uninterrupted.network());
        NetworkSnapshot b = NetworkSnapshot.of(resumed.network());
        for (int i = 0; i < a.layers().size(); i++) {
            assertArrayEquals(a.layers().get(i).weights(), b.layers().get(i).weights(), "layer " + i + ", normalization folded in");
            assertArrayEquals(a.layers().get(i).biases(), b.layers().get(i).biases(), "layer " + i);
        }
        assertEquals(uninterrupted.history().stream().map(EpochRecord::withoutTime).toList(),
                resumed.history().stream().map(EpochRecord::withoutTime).toList());
    }

    @Test
    void shapesThatDoNotFitAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkSpec.builder().inputShape(1, 4, 4)
                .convolutions(new ConvSpec(2, 5, 1, 0, 1)).outputs(2).build().initialize(new SplittableRandom(1), false));
        assertTrue(e.getMessage().contains("does not fit an input of 1x4x4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NetworkSpec.builder().convolutions(new ConvSpec(2, 3, 1, 0, 1)).outputs(2).build());
        assertEquals(new ConvSpec(16, 3, 1, 1, 2), ConvSpec.parse("16x3p1/2"));
        assertEquals("32x5s2", ConvSpec.parse("32x5s2").toString());
        assertEquals(new ConvSpec(16, 3, 1, 1, true, 2), ConvSpec.parse("16x3p1bn/2"));
        assertEquals("16x3p1bn/2", ConvSpec.parse("16x3p1bn/2").toString());
        assertThrows(IllegalArgumentException.class, () -> ConvSpec.parse("16x"));
    }
}

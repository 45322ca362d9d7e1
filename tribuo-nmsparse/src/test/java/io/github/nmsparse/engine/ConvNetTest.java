package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.method.Asp;
import io.github.nmsparse.engine.method.Dense;
import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.method.Ste;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.NetworkSnapshot;
import io.github.nmsparse.engine.network.Shape;
import io.github.nmsparse.engine.optimizer.AdamW;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Convolutional and residual networks trained end to end: every method, SAD over convolutions, reproducibility. */
class ConvNetTest {

    private static final NMPattern TWO_FOUR = NMPattern.parse("2:4");

    static Architecture network(String blocks, int outputs) {
        return Architecture.builder(new Shape(1, 6, 6)).pattern(TWO_FOUR).blocks(blocks).output(outputs, false).build();
    }

    static TrainingResult train(Architecture network, SparsityMethod method, TrainingData data, int epochs, long seed) {
        TrainingPlan plan = TrainingPlan.builder().method(method).optimizer(new AdamW(1e-4)).learningRate(1e-2).epochs(epochs)
                .warmupEpochs(1).batchSize(40).seed(seed).build();
        return NetworkTrainer.train(network, new SoftmaxCrossEntropy(), plan, data, List.of());
    }

    @Test
    void everyTrainingMethodTrainsConvolutionsAndKeepsThemNMValid() {
        TrainingData data = bars(240, 6);
        for (SparsityMethod method : List.of(new Dense(), new Ste(), new SrSte(), new Asp(0.5))) {
            TrainingResult result = train(network("conv 8x3p1, relu, maxpool 2, flatten, dense 16, relu", data.outputs()), method, data, 8, 5);
            List<EpochRecord> history = result.history();
            assertTrue(history.get(history.size() - 1).loss() < 0.7 * history.get(0).loss(), method.describe() + " learns: "
                    + history.stream().map(r -> String.format("%.3f", r.loss())).toList());
            NetworkSnapshot snapshot = result.network().snapshot();
            assertEquals(method.masksLayers(), snapshot.layers().get(0).sparse(), method.describe());
            assertTrue(snapshot.layers().get(0).validity().isValid(), method.describe() + ": the convolution is N:M-valid");
        }
    }

    @Test
    void everyTrainingMethodTrainsAResidualNetworkAndKeepsEveryConvolutionNMValid() {
        TrainingData data = bars(240, 7);
        Architecture residual = network("conv 4x3p1, bn, relu, residual(conv 4x3p1, bn, relu, conv 4x3p1, bn), relu, "
                + "residual(conv 8x3s2p1, bn, relu, conv 8x3p1, bn), relu, gap", data.outputs());
        for (SparsityMethod method : List.of(new Dense(), new Ste(), new SrSte(), new Asp(0.5))) {
            TrainingResult result = train(residual, method, data, 8, 5);
            List<EpochRecord> history = result.history();
            assertTrue(history.get(history.size() - 1).loss() < 0.7 * history.get(0).loss(), method.describe() + " learns: "
                    + history.stream().map(r -> String.format("%.3f", r.loss())).toList());
            NetworkSnapshot snapshot = result.network().snapshot();
            assertEquals(7, snapshot.layers().size(), "five convolutions, the projection and the output layer");
            for (int i = 0; i < 6; i++) {
                assertEquals(method.masksLayers(), snapshot.layers().get(i).sparse(), method.describe() + " layer " + i);
                assertTrue(snapshot.layers().get(i).validity().isValid(), method.describe() + " layer " + i);
            }
            assertFalse(snapshot.layers().get(6).sparse(), "the output layer stays dense");
            assertEquals(method.masksLayers() ? 6 : 0, history.get(0).layerSad().size(), "SAD covers every convolution and the projection");
        }
    }

    @Test
    void anSrSteConvolutionalNetworkLearnsAndStaysNMValid() {
        TrainingData data = bars(300, 9);
        Architecture network = network("conv 8x3p1, relu, maxpool 2, flatten, dense 16, relu", data.outputs());
        TrainingResult result = train(network, new SrSte(), data, 12, 3);
        List<EpochRecord> history = result.history();
        assertTrue(history.get(history.size() - 1).loss() < 0.5 * history.get(0).loss(), "loss falls: " + history.get(0).loss()
                + " -> " + history.get(history.size() - 1).loss());
        assertEquals(2, history.get(0).layerSad().size(), "SAD covers the convolution and the hidden layer");
        assertTrue(result.network().sparseWeights().get(0).currentMask().isValid());
        assertFalse(history.stream().allMatch(r -> r.layerSad().get(0) == 0), "the convolution's mask moves during training");
        TrainingResult again = train(network, new SrSte(), data, 12, 3);
        assertArrayEquals(result.network().snapshot().layers().get(0).weights(), again.network().snapshot().layers().get(0).weights(),
                "a seeded convolutional run is reproducible");
    }

    /** 6x6 images of a horizontal bar, a vertical bar or a 2x2 square at a random place, in noise: three classes. */
    static TrainingData bars(int rows, long seed) {
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
}

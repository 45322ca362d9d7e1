package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMPattern;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingMethodsTest {

    /** A small synthetic classification problem: the class is the argmax of three fixed projections. */
    static TrainingData syntheticData(int rows, int inputs, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[rows * inputs];
        float[] y = new float[rows * 3];
        for (int r = 0; r < rows; r++) {
            double[] score = new double[3];
            for (int i = 0; i < inputs; i++) {
                float v = (float) rng.nextGaussian();
                x[r * inputs + i] = v;
                score[i % 3] += v * ((i % 5) - 2);
            }
            int best = score[0] >= score[1] && score[0] >= score[2] ? 0 : score[1] >= score[2] ? 1 : 2;
            y[r * 3 + best] = 1f;
        }
        return new TrainingData(x, y, rows);
    }

    static NetworkSpec spec(int inputs) {
        return NetworkSpec.builder().inputs(inputs).hiddenSizes(32, 16).outputs(3).pattern(NMPattern.parse("2:4")).build();
    }

    static TrainingResult train(TrainingMethod method, double lambda, double aspFraction, int epochs, long seed) {
        TrainingPlan plan = TrainingPlan.builder().method(method, new TrainingMethod.Settings(lambda, aspFraction))
                .optimizer(new AdamW(1e-4)).learningRate(1e-2).epochs(epochs).warmupEpochs(1).batchSize(50).seed(seed).build();
        return NetworkTrainer.train(spec(30), new SoftmaxCrossEntropy(), plan, syntheticData(230, 30, 5), List.of());
    }

    private static void assertSameWeights(NetworkSnapshot a, NetworkSnapshot b) {
        for (int i = 0; i < a.layers().size(); i++) {
            assertArrayEquals(a.layers().get(i).weights(), b.layers().get(i).weights(), "layer " + i);
            assertArrayEquals(a.layers().get(i).biases(), b.layers().get(i).biases(), "layer " + i);
        }
    }

    private static List<EpochRecord> withoutTimes(List<EpochRecord> history) {
        return history.stream().map(r -> r.withoutTime()).toList();
    }

    @Test
    void srSteWithLambdaZeroIsExactlySte() {
        TrainingResult ste = train(TrainingMethod.STE, 0, 0, 4, 3);
        TrainingResult srSte = train(TrainingMethod.SR_STE, 0, 0, 4, 3);
        assertSameWeights(NetworkSnapshot.of(ste.network()), NetworkSnapshot.of(srSte.network()));
        assertEquals(withoutTimes(ste.history()), withoutTimes(srSte.history()));
        TrainingResult refined = train(TrainingMethod.SR_STE, 2e-2, 0, 4, 3);
        assertFalse(java.util.Arrays.equals(NetworkSnapshot.of(ste.network()).layers().get(0).weights(),
                NetworkSnapshot.of(refined.network()).layers().get(0).weights()), "a non-zero lambda changes training");
    }

    @Test
    void seededRunsAreBitIdenticalAndSeedsMatter() {
        TrainingResult a = train(TrainingMethod.SR_STE, 2e-4, 0, 3, 17);
        TrainingResult b = train(TrainingMethod.SR_STE, 2e-4, 0, 3, 17);
        assertSameWeights(NetworkSnapshot.of(a.network()), NetworkSnapshot.of(b.network()));
        assertEquals(withoutTimes(a.history()), withoutTimes(b.history()));
        TrainingResult c = train(TrainingMethod.SR_STE, 2e-4, 0, 3, 18);
        assertFalse(java.util.Arrays.equals(NetworkSnapshot.of(a.network()).layers().get(0).weights(),
                NetworkSnapshot.of(c.network()).layers().get(0).weights()));
    }

    @Test
    void aspMaskStaysFixedAfterPruning() {
        TrainingResult asp = train(TrainingMethod.ASP, 0, 0.5, 6, 9);
        List<EpochRecord> history = asp.history();
        assertTrue(history.get(1).sad() > 0, "dense training moves the would-be mask");
        assertTrue(history.get(1).sadToFinal() > 0);
        // Pruning happens at the first step of epoch 4, from the weights epoch 3 ended with: from then on
        // (and already at epoch 3's end) the mask is the final one.
        for (int epoch = 3; epoch <= 6; epoch++) {
            EpochRecord record = history.get(epoch - 1);
            assertEquals(0, record.sadToFinal(), "epoch " + epoch + " ends with the final mask");
            if (epoch > 3) {
                assertEquals(0, record.sad(), "epoch " + epoch);
            }
        }
        for (EpochRecord record : history) {
            assertEquals(0, record.flips(), "ASP never recomputes a mask step by step");
        }
        for (Layer layer : asp.network().layers()) {
            if (layer.sparse() != null) {
                assertTrue(layer.sparse().isFrozen());
                assertTrue(io.github.nmsparse.core.NMValidity.check(layer.weight().data().asNioFloat(),
                        layer.sparse().layout()).isValid(), "pruned master weights stay zero");
            }
        }
    }

    @Test
    void aspAlwaysLeavesAnEpochToFineTune() {
        assertEquals(0, AspMethod.pruneEpoch(0.5, 1));
        assertEquals(9, AspMethod.pruneEpoch(0.95, 10));
        assertEquals(3, AspMethod.pruneEpoch(0.5, 6));
        TrainingResult oneEpoch = train(TrainingMethod.ASP, 0, 0.5, 1, 4);
        for (Layer layer : oneEpoch.network().layers()) {
            if (layer.sparse() != null) {
                assertTrue(layer.sparse().isFrozen(), "pruned even in a one-epoch run");
            }
        }
    }

    @Test
    void sparseLayersOfTrainedNetworksAreNMValidAndSadIsEven() {
        for (TrainingMethod method : List.of(TrainingMethod.STE, TrainingMethod.SR_STE, TrainingMethod.ASP)) {
            TrainingResult result = train(method, 2e-4, 0.5, 4, 1);
            NetworkSnapshot snapshot = NetworkSnapshot.of(result.network());
            assertTrue(snapshot.layers().get(0).sparse() && snapshot.layers().get(1).sparse());
            assertFalse(snapshot.layers().get(2).sparse(), "the output layer stays dense by default");
            for (NetworkSnapshot.LayerSnapshot layer : snapshot.layers()) {
                assertTrue(layer.validity().isValid(), method + " " + layer.outputs() + "x" + layer.inputs());
            }
            for (Layer layer : result.network().layers()) {
                if (layer.sparse() != null) {
                    // The weights the last forward pass really multiplied by, checked independently of the mask bits.
                    assertTrue(io.github.nmsparse.core.NMValidity.check(layer.forwardWeights().data().asNioFloat(),
                            layer.sparse().layout()).isValid(), method.toString());
                    assertNotSame(layer.weight(), layer.forwardWeights());
                }
            }
            for (EpochRecord record : result.history()) {
                assertEquals(0, record.sad() % 2, "SAD comes in pairs under exact N:M");
                assertEquals(record.sad(), record.layerSad().stream().mapToLong(Long::longValue).sum());
            }
            assertEquals(0, result.history().get(result.history().size() - 1).sadToFinal());
        }
        TrainingResult dense = train(TrainingMethod.DENSE, 0, 0, 2, 1);
        assertFalse(NetworkSnapshot.of(dense.network()).layers().get(0).sparse());
        assertEquals(0, dense.history().get(1).sad());
    }

    @Test
    void trainingLearnsTheSyntheticTask() {
        TrainingResult result = train(TrainingMethod.SR_STE, 2e-4, 0, 15, 2);
        TrainingData data = syntheticData(230, 30, 5);
        float[] out = NetworkSnapshot.of(result.network()).toNetwork().predict(data.features(), data.rows());
        int correct = 0;
        for (int r = 0; r < data.rows(); r++) {
            int best = 0;
            for (int k = 1; k < 3; k++) {
                if (out[r * 3 + k] > out[r * 3 + best]) {
                    best = k;
                }
            }
            correct += data.targets()[r * 3 + best] == 1f ? 1 : 0;
        }
        assertTrue(correct > 0.9 * data.rows(), "training accuracy " + correct + "/" + data.rows());
        assertTrue(result.history().get(14).loss() < 0.5 * result.history().get(0).loss());
    }

    /** A hand-computed SR-STE step on a 2x4 weight: g = dL/dW~ + lambda (1 - E) W, then plain SGD, then the new mask. */
    @Test
    void singleSrSteStepByHand() {
        float[] w = {4f, -3f, 2f, 1f, /* row 2 */ 1f, 2f, -3f, 4f};
        float[] masked = new float[8];
        float[] grad = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f};
        SparseWeights layer = new SparseWeights(new io.github.nmsparse.core.NMLayout(2, 4, NMPattern.parse("2:4")),
                FloatBuffer.wrap(w), FloatBuffer.wrap(masked));
        SparsityMethod srSte = TrainingMethod.SR_STE.create(new TrainingMethod.Settings(0.5, 0));
        srSte.beforeStep(layer, new SparsityMethod.TrainingClock(0, 1));
        assertArrayEquals(new float[] {4f, -3f, 0f, 0f, 0f, 0f, -3f, 4f}, masked);
        Parameter parameter = new Parameter(FloatBuffer.wrap(w), FloatBuffer.wrap(grad), 2, 4, true, layer);
        FusedUpdate.apply(List.of(parameter), new SgdMomentum(0, false, 0), srSte, 0.1f, 1);
        // Refined gradient: {0.1, 0.2, 1.3, 0.9 | 1.0, 1.6, 0.7, 0.8}; w -= 0.1 g.
        assertArrayEquals(new float[] {3.99f, -3.02f, 1.87f, 0.91f, 0.9f, 1.84f, -3.07f, 3.92f}, w, 1e-6f);
        // The next step's W~ comes from the updated weights.
        assertArrayEquals(new float[] {3.99f, -3.02f, 0f, 0f, 0f, 0f, -3.07f, 3.92f}, masked, 1e-6f);
        assertEquals(0, layer.takeFlips(), "the mask did not change");
    }

    @Test
    void steFlipsAreCountedWhenTheUpdateChangesTheMask() {
        float[] w = {1f, 0.9f, 0.1f, 0f};
        float[] masked = new float[4];
        SparseWeights layer = new SparseWeights(new io.github.nmsparse.core.NMLayout(1, 4, NMPattern.parse("2:4")),
                FloatBuffer.wrap(w), FloatBuffer.wrap(masked));
        SparsityMethod ste = TrainingMethod.STE.create(new TrainingMethod.Settings(0, 0));
        ste.beforeStep(layer, new SparsityMethod.TrainingClock(0, 1));
        float[] grad = {0f, 1f, -1f, 0f};
        FusedUpdate.apply(List.of(new Parameter(FloatBuffer.wrap(w), FloatBuffer.wrap(grad), 1, 4, false, layer)),
                new SgdMomentum(0, false, 0), ste, 1f, 1);
        assertArrayEquals(new float[] {1f, -0.1f, 1.1f, 0f}, w, 1e-6f);
        assertArrayEquals(new float[] {1f, 0f, 1.1f, 0f}, masked, 1e-6f);
        assertEquals(2, layer.takeFlips(), "weight 1 dropped, weight 2 revived");
        assertEquals(0, layer.takeFlips(), "taking resets the count");
    }
}

package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.core.NMValidity;
import io.github.nmsparse.engine.method.Asp;
import io.github.nmsparse.engine.method.DecoupledSrSte;
import io.github.nmsparse.engine.method.Dense;
import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.method.Ste;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.LayerWeights;
import io.github.nmsparse.engine.network.NetworkSnapshot;
import io.github.nmsparse.engine.network.Parameter;
import io.github.nmsparse.engine.network.SparseWeights;
import io.github.nmsparse.engine.network.TestParameters;
import io.github.nmsparse.engine.optimizer.AdamW;
import io.github.nmsparse.engine.optimizer.Sgd;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    /** @return an MLP of {@code inputs}-32-16-3, hidden layers 2:4 */
    static Architecture mlp(int inputs) {
        return TestNetworks.mlp(inputs, NMPattern.parse("2:4"), 3, 32, 16);
    }

    static TrainingResult train(SparsityMethod method, int epochs, long seed) {
        TrainingPlan plan = TrainingPlan.builder().method(method).optimizer(new AdamW(1e-4)).learningRate(1e-2).epochs(epochs)
                .warmupEpochs(1).batchSize(50).seed(seed).build();
        return NetworkTrainer.train(mlp(30), new SoftmaxCrossEntropy(), plan, syntheticData(230, 30, 5), List.of());
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
        TrainingResult ste = train(new Ste(), 4, 3);
        TrainingResult srSte = train(new SrSte(0), 4, 3);
        assertSameWeights(ste.network().snapshot(), srSte.network().snapshot());
        assertEquals(withoutTimes(ste.history()), withoutTimes(srSte.history()));
        TrainingResult refined = train(new SrSte(2e-2), 4, 3);
        assertFalse(java.util.Arrays.equals(ste.network().snapshot().layers().get(0).weights(),
                refined.network().snapshot().layers().get(0).weights()), "a non-zero lambda changes training");
    }

    @Test
    void decoupledSrSteWithLambdaZeroIsExactlySte() {
        TrainingResult ste = train(new Ste(), 4, 3);
        TrainingResult decoupled = train(new DecoupledSrSte(0), 4, 3);
        assertSameWeights(ste.network().snapshot(), decoupled.network().snapshot());
        assertEquals(withoutTimes(ste.history()), withoutTimes(decoupled.history()));
        TrainingResult refined = train(new DecoupledSrSte(2e-1), 4, 3);
        assertFalse(java.util.Arrays.equals(ste.network().snapshot().layers().get(0).weights(),
                refined.network().snapshot().layers().get(0).weights()), "a non-zero lambda changes training");
    }

    @Test
    void seededRunsAreBitIdenticalAndSeedsMatter() {
        TrainingResult a = train(new SrSte(), 3, 17);
        TrainingResult b = train(new SrSte(), 3, 17);
        assertSameWeights(a.network().snapshot(), b.network().snapshot());
        assertEquals(withoutTimes(a.history()), withoutTimes(b.history()));
        TrainingResult c = train(new SrSte(), 3, 18);
        assertFalse(java.util.Arrays.equals(a.network().snapshot().layers().get(0).weights(),
                c.network().snapshot().layers().get(0).weights()));
    }

    /** @return whether every sparse layer's mask is active and its master weights (not only W~) are N:M */
    private static boolean prunedToNM(TrainingResult result) {
        for (Parameter p : result.network().parameters()) {
            SparseWeights sparse = p.sparse();
            if (sparse != null) {
                float[] weights = new float[p.size()];
                float[] row = new float[p.cols()];
                for (int r = 0; r < p.rows(); r++) {
                    p.readRow(r, row);
                    System.arraycopy(row, 0, weights, r * p.cols(), p.cols());
                }
                if (!sparse.isActive() || !NMValidity.check(java.nio.FloatBuffer.wrap(weights), sparse.layout()).isValid()) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void aspMaskStaysFixedAfterPruning() {
        TrainingResult asp = train(new Asp(0.5), 6, 9);
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
        assertTrue(prunedToNM(asp), "pruned master weights stay zero");
    }

    @Test
    void aspAlwaysLeavesAnEpochToFineTune() {
        assertEquals(0, new Asp(0.5).pruneEpoch(1));
        assertEquals(9, new Asp(0.95).pruneEpoch(10));
        assertEquals(3, new Asp(0.5).pruneEpoch(6));
        assertTrue(prunedToNM(train(new Asp(0.5), 1, 4)), "pruned even in a one-epoch run");
    }

    @Test
    void sparseLayersOfTrainedNetworksAreNMValidAndSadIsEven() {
        for (SparsityMethod method : List.of(new Ste(), new SrSte(), new Asp(0.5))) {
            TrainingResult result = train(method, 4, 1);
            NetworkSnapshot snapshot = result.network().snapshot();
            assertTrue(snapshot.layers().get(0).sparse() && snapshot.layers().get(1).sparse());
            assertFalse(snapshot.layers().get(2).sparse(), "the output layer stays dense by default");
            for (LayerWeights layer : snapshot.layers()) {
                assertTrue(layer.validity().isValid(), method.describe() + " " + layer);
            }
            assertEquals(2, result.network().sparseWeights().size());
            for (SparseWeights layer : result.network().sparseWeights()) {
                // The forward pass reads W~, and W~ itself is N:M, checked independently of the mask bits.
                assertTrue(layer.isActive(), method.describe());
                assertTrue(NMValidity.check(TestParameters.maskedWeights(layer), layer.layout()).isValid(), method.describe());
            }
            for (EpochRecord record : result.history()) {
                assertEquals(0, record.sad() % 2, "SAD comes in pairs under exact N:M");
                assertEquals(record.sad(), record.layerSad().stream().mapToLong(Long::longValue).sum());
            }
            assertEquals(0, result.history().get(result.history().size() - 1).sadToFinal());
        }
        TrainingResult dense = train(new Dense(), 2, 1);
        assertFalse(dense.network().snapshot().layers().get(0).sparse());
        assertTrue(dense.network().sparseWeights().isEmpty());
        assertEquals(0, dense.history().get(1).sad());
    }

    @Test
    void trainingLearnsTheSyntheticTask() {
        TrainingResult result = train(new SrSte(), 15, 2);
        TrainingData data = syntheticData(230, 30, 5);
        float[] out = result.network().snapshot().toNetwork().predict(data.features(), data.rows());
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
        SparseWeights layer = TestParameters.sparseWeights(new NMLayout(2, 4, NMPattern.parse("2:4")), w, masked);
        SparsityMethod srSte = new SrSte(0.5);
        srSte.beforeStep(List.of(layer), new SparsityMethod.TrainingClock(0, 1));
        assertArrayEquals(new float[] {4f, -3f, 0f, 0f, 0f, 0f, -3f, 4f}, masked);
        Parameter parameter = TestParameters.parameter(w, grad, 2, true, layer, 0);
        Sgd sgd = new Sgd(0, false, 0);
        sgd.initialise(List.of(parameter));
        FusedUpdate.apply(List.of(parameter), sgd, srSte, 0.1f, 1);
        // Refined gradient: {0.1, 0.2, 1.3, 0.9 | 1.0, 1.6, 0.7, 0.8}; w -= 0.1 g.
        assertArrayEquals(new float[] {3.99f, -3.02f, 1.87f, 0.91f, 0.9f, 1.84f, -3.07f, 3.92f}, w, 1e-6f);
        // The next step's W~ comes from the updated weights.
        assertArrayEquals(new float[] {3.99f, -3.02f, 0f, 0f, 0f, 0f, -3.07f, 3.92f}, masked, 1e-6f);
        assertEquals(0, layer.takeFlips(), "the mask did not change");
    }

    /**
     * The same step with decoupled SR-STE: plain SGD on dLoss/dW~, then the pruned weights shrink by lr * lambda_w.
     * It differs from SR-STE's step above by lr^2 * lambda_w * g on the pruned weights.
     */
    @Test
    void singleDecoupledSrSteStepByHandUnderSgd() {
        float[] w = {4f, -3f, 2f, 1f, /* row 2 */ 1f, 2f, -3f, 4f};
        float[] masked = new float[8];
        float[] grad = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f};
        SparseWeights layer = TestParameters.sparseWeights(new NMLayout(2, 4, NMPattern.parse("2:4")), w, masked);
        SparsityMethod decoupled = new DecoupledSrSte(0.5);
        decoupled.beforeStep(List.of(layer), new SparsityMethod.TrainingClock(0, 1));
        Parameter parameter = TestParameters.parameter(w, grad, 2, true, layer, 0);
        Sgd sgd = new Sgd(0, false, 0);
        sgd.initialise(List.of(parameter));
        FusedUpdate.apply(List.of(parameter), sgd, decoupled, 0.1f, 1);
        // w - 0.1 g = {3.99, -3.02, 1.97, 0.96 | 0.95, 1.94, -3.07, 3.92}; pruned ones times 1 - 0.1 * 0.5.
        assertArrayEquals(new float[] {3.99f, -3.02f, 1.8715f, 0.912f, 0.9025f, 1.843f, -3.07f, 3.92f}, w, 1e-6f);
        assertArrayEquals(new float[] {3.99f, -3.02f, 0f, 0f, 0f, 0f, -3.07f, 3.92f}, masked, 1e-6f);
        assertEquals(0, layer.takeFlips(), "the mask did not change");
    }

    /**
     * Under Adam the two refinements part ways. Adam's first step is lr * sign(g) whatever g's size, so SR-STE's
     * added lambda_w * W (here 1.0 on a gradient of 0.3) changes nothing; the decoupled decay still shrinks the
     * pruned weights by lr * lambda_w. Kept weights take Adam's step alone.
     */
    @Test
    void decoupledDecaySurvivesAdamWhereTheGradientTermDoesNot() {
        float[] grad = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f};
        float[] adamOnly = {3.9f, -3.1f, 1.9f, 0.9f, 0.9f, 1.9f, -3.1f, 3.9f};
        float[] srSte = adamStep(new SrSte(0.5), grad);
        assertArrayEquals(adamOnly, srSte, 1e-5f, "SR-STE's term is normalized away by Adam's first step");
        float[] decoupled = adamStep(new DecoupledSrSte(0.5), grad);
        assertArrayEquals(new float[] {3.9f, -3.1f, 1.805f, 0.855f, 0.855f, 1.805f, -3.1f, 3.9f}, decoupled, 1e-5f);
    }

    private static float[] adamStep(SparsityMethod method, float[] gradient) {
        float[] w = {4f, -3f, 2f, 1f, /* row 2 */ 1f, 2f, -3f, 4f};
        SparseWeights layer = TestParameters.sparseWeights(new NMLayout(2, 4, NMPattern.parse("2:4")), w, new float[8]);
        method.beforeStep(List.of(layer), new SparsityMethod.TrainingClock(0, 1));
        Parameter parameter = TestParameters.parameter(w, gradient.clone(), 2, true, layer, 0);
        AdamW adam = new AdamW(0);
        adam.initialise(List.of(parameter));
        FusedUpdate.apply(List.of(parameter), adam, method, 0.1f, 1);
        return w;
    }

    @Test
    void steFlipsAreCountedWhenTheUpdateChangesTheMask() {
        float[] w = {1f, 0.9f, 0.1f, 0f};
        float[] masked = new float[4];
        SparseWeights layer = TestParameters.sparseWeights(new NMLayout(1, 4, NMPattern.parse("2:4")), w, masked);
        SparsityMethod ste = new Ste();
        ste.beforeStep(List.of(layer), new SparsityMethod.TrainingClock(0, 1));
        float[] grad = {0f, 1f, -1f, 0f};
        Parameter parameter = TestParameters.parameter(w, grad, 1, false, layer, 0);
        Sgd sgd = new Sgd(0, false, 0);
        sgd.initialise(List.of(parameter));
        FusedUpdate.apply(List.of(parameter), sgd, ste, 1f, 1);
        assertArrayEquals(new float[] {1f, -0.1f, 1.1f, 0f}, w, 1e-6f);
        assertArrayEquals(new float[] {1f, 0f, 1.1f, 0f}, masked, 1e-6f);
        assertEquals(2, layer.takeFlips(), "weight 1 dropped, weight 2 revived");
        assertEquals(0, layer.takeFlips(), "taking resets the count");
    }
}

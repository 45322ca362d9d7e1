package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMMask;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.method.Asp;
import io.github.nmsparse.engine.method.DecoupledSrSte;
import io.github.nmsparse.engine.method.Dense;
import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.method.Ste;
import io.github.nmsparse.engine.network.Activation;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.DeviceParameter;
import io.github.nmsparse.engine.network.HostMemory;
import io.github.nmsparse.engine.network.Parameter;
import io.github.nmsparse.engine.network.SparseWeights;
import io.github.nmsparse.engine.network.TestParameters;
import io.github.nmsparse.engine.optimizer.AdamW;
import io.github.nmsparse.engine.optimizer.Optimizer;
import io.github.nmsparse.engine.optimizer.Sgd;
import io.github.nmsparse.engine.state.NamedState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.opentest4j.AssertionFailedError;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ops executor, run under split memory (the CPU's stand-in for a GPU), against the fused executor, step by step
 * from the same state: loss, W, W~, gradients and optimizer moments within 1e-5 (relative where large), masks equal on
 * every group that is not a near tie, the same flips. After each step the ops session is set to the fused session's
 * state again.
 */
class ExecutorLockstepTest {

    private static final double TOLERANCE = 1e-5;

    @BeforeAll
    static void theFusedReferenceNeedsTheCpuBackend() {
        assumeTrue(Nd4j.getEnvironment().isCPU(), "the fused executor, the reference here, runs on the CPU backend only");
    }

    @AfterEach
    void sharedMemory() {
        HostMemory.simulateSplitMemory(false);
        HostMemory.skipTags(0);
    }

    /** Two sessions of one plan, one per executor, each stepped with its own memory mode. */
    static final class Pair {
        final TrainingSession fused;
        final TrainingSession ops;
        final SparsityMethod method;

        Pair(Architecture network, Objective objective, TrainingData data, SparsityMethod method, Optimizer optimizer, int epochs) {
            this.method = method;
            TrainingPlan.Builder plan = TrainingPlan.builder().method(method).optimizer(optimizer).learningRate(2e-2).epochs(epochs)
                    .warmupEpochs(0).batchSize(50).seed(17);
            this.fused = new TrainingSession(network, objective, plan.executor(Executor.FUSED).build(), data);
            this.ops = split(() -> new TrainingSession(network, objective, plan.executor(Executor.OPS).build(), data));
            assertEquals(Executor.OPS, ops.executor());
        }

        /** Steps both and compares them; the ops session's host state is brought up to date to be read. */
        void stepAndCompare(int step) {
            List<float[]> fusedBefore = values(fused);
            List<NMMask> masksBefore = fused.network().sparseWeights().stream().map(SparseWeights::currentMask).toList();
            double fusedLoss = fused.step();
            double opsLoss = split(() -> {
                double loss = ops.step();
                ops.publish();
                return loss;
            });
            String at = method.describe() + ", step " + step;
            assertClose(fusedLoss, opsLoss, "loss at " + at);
            assertClose(fused.lastAccuracy(), ops.lastAccuracy(), "accuracy at " + at);
            compareGradients(fusedBefore, masksBefore, fused.network().sparseWeights().stream().allMatch(SparseWeights::isActive), at);
            List<float[]> fusedAfter = values(fused);
            List<float[]> opsAfter = values(ops);
            for (int i = 0; i < fusedAfter.size(); i++) {
                assertAllClose(fusedAfter.get(i), opsAfter.get(i), "parameter " + i + " at " + at);
            }
            List<float[]> fusedMasked = maskedWeights(fused);
            List<float[]> opsMasked = maskedWeights(ops);
            for (int i = 0; i < fusedMasked.size(); i++) {
                SparseWeights fusedLayer = fused.network().sparseWeights().get(i);
                SparseWeights opsLayer = ops.network().sparseWeights().get(i);
                assertEquals(fusedLayer.isActive(), opsLayer.isActive(), "mask in use at " + at);
                assertMasksEqualOffNearTies(fusedLayer.currentMask(), opsLayer.currentMask(), values(fused).get(weightIndex(fused, i)), at);
                assertAllClose(fusedMasked.get(i), opsMasked.get(i), "W~ of sparse layer " + i + " at " + at);
                assertEquals(fusedLayer.takeFlips(), opsLayer.takeFlips(), "flips of sparse layer " + i + " at " + at);
            }
            assertAllClose(optimizerState(fused), optimizerState(ops), "optimizer moments at " + at);
            assertAllClose(runningStatistics(fused), runningStatistics(ops), "batch normalization running statistics at " + at);
            startOpsFromFusedState();
        }

        /**
         * Copies the fused session's state (weights, masks, W~, running statistics, moments, the method's state) into
         * the ops session, which loads it at its next step: every step then starts from the same state, so that a
         * rounding difference that tips a ReLU or a near-tie mask one way cannot grow over the following steps.
         */
        private void startOpsFromFusedState() {
            try {
                // By position: both sessions list their states in the same order, and names repeat (one per block).
                List<NamedState> from = fused.states();
                List<NamedState> to = ops.states();
                for (int i = 0; i < from.size(); i++) {
                    NamedState state = from.get(i);
                    assertEquals(state.name(), to.get(i).name());
                    if (state.name().equals("position")) {
                        continue;
                    }
                    StateSections.restore(to.get(i), StateSections.save(state, false), false);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ops.stepExecutor().reload();
        }

        /**
         * The ops executor's gradients, read after its step, are refined in place; the fused ones are raw dLoss/dW~.
         * So the fused gradient is refined here by the method's rule (SPEC: SR-STE adds lambda (W - W~), ASP masks),
         * with the W~ the step used: W before the step under the mask in use (before the first step, the mask of W);
         * ASP masks from the step that prunes on, so whether it has pruned is read after the step.
         */
        private void compareGradients(List<float[]> weightsBefore, List<NMMask> masksBefore, boolean active, String at) {
            List<Parameter> host = fused.network().parameters();
            List<DeviceParameter> device = ((OpsExecutor) ops.stepExecutor()).network().parameters();
            int sparseIndex = 0;
            for (int i = 0; i < host.size(); i++) {
                Parameter p = host.get(i);
                float[] expected = new float[p.size()];
                float[] row = new float[p.cols()];
                for (int r = 0; r < p.rows(); r++) {
                    p.readGradientRow(r, row);
                    System.arraycopy(row, 0, expected, r * p.cols(), p.cols());
                }
                if (p.sparse() != null) {
                    int layer = sparseIndex++;
                    if (method instanceof SrSte srSte) {
                        float lambda = (float) srSte.lambdaW();
                        NMMask mask = masksBefore.get(layer);
                        for (int k = 0; k < expected.length; k++) {
                            float w = weightsBefore.get(i)[k];
                            expected[k] += lambda * (w - (mask.isKept(k / p.cols(), k % p.cols()) ? w : 0f));
                        }
                    } else if (method instanceof Asp && active) {
                        NMMask mask = masksBefore.get(layer);
                        for (int k = 0; k < expected.length; k++) {
                            expected[k] = mask.isKept(k / p.cols(), k % p.cols()) ? expected[k] : 0f;
                        }
                    }
                }
                assertAllClose(expected, HostMemory.read(device.get(i).gradient()), "gradient of parameter " + i + " at " + at);
            }
        }
    }

    static <T> T split(Supplier<T> work) {
        HostMemory.simulateSplitMemory(true);
        try {
            return work.get();
        } finally {
            HostMemory.simulateSplitMemory(false);
        }
    }

    static List<float[]> values(TrainingSession session) {
        List<float[]> values = new ArrayList<>();
        for (Parameter p : session.network().parameters()) {
            float[] all = new float[p.size()];
            float[] row = new float[p.cols()];
            for (int r = 0; r < p.rows(); r++) {
                p.readRow(r, row);
                System.arraycopy(row, 0, all, r * p.cols(), p.cols());
            }
            values.add(all);
        }
        return values;
    }

    private static List<float[]> maskedWeights(TrainingSession session) {
        List<float[]> masked = new ArrayList<>();
        for (SparseWeights layer : session.network().sparseWeights()) {
            float[] values = new float[(int) layer.layout().size()];
            TestParameters.maskedWeights(layer).get(0, values);
            masked.add(values);
        }
        return masked;
    }

    private static int weightIndex(TrainingSession session, int sparseLayer) {
        int seen = 0;
        for (Parameter p : session.network().parameters()) {
            if (p.sparse() != null && seen++ == sparseLayer) {
                return p.index();
            }
        }
        throw new IllegalArgumentException("no sparse layer " + sparseLayer);
    }

    /**
     * @param arrays how many float arrays (each written with its length) follow a leading count: true for a
     *               parameter-wise state (moments), false for arrays one after the other to the end (running statistics)
     * @return every float of the saved states whose names start with {@code prefix}, in order
     */
    private static float[] savedFloats(TrainingSession session, String prefix, boolean arrays) {
        List<Float> floats = new ArrayList<>();
        try {
            for (NamedState state : session.states()) {
                if (!state.name().startsWith(prefix)) {
                    continue;
                }
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(StateSections.save(state, false)));
                while (in.available() > 0) {
                    int count = arrays ? in.readInt() : 1;
                    for (int a = 0; a < count; a++) {
                        int length = in.readInt();
                        for (int k = 0; k < length; k++) {
                            floats.add(in.readFloat());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        float[] all = new float[floats.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = floats.get(i);
        }
        return all;
    }

    /** @return every float of the optimizer's saved state (its moments), in order */
    private static float[] optimizerState(TrainingSession session) {
        return savedFloats(session, "optimizer", true);
    }

    /** @return every batch normalization's running means and variances, in order */
    private static float[] runningStatistics(TrainingSession session) {
        return savedFloats(session, "batch normalization", false);
    }

    static void assertClose(double expected, double actual, String what) {
        if (Double.isNaN(expected) && Double.isNaN(actual)) {
            return;
        }
        if (!(Math.abs(expected - actual) <= TOLERANCE * Math.max(1, Math.max(Math.abs(expected), Math.abs(actual))))) {
            fail(what + ": fused " + expected + ", ops " + actual);
        }
    }

    static void assertAllClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": sizes");
        for (int k = 0; k < expected.length; k++) {
            if (!(Math.abs(expected[k] - actual[k]) <= TOLERANCE * Math.max(1, Math.max(Math.abs(expected[k]), Math.abs(actual[k]))))) {
                fail(what + ", value " + k + ": fused " + expected[k] + ", ops " + actual[k]);
            }
        }
    }

    /** Masks agree on every group whose N-th and (N+1)-th largest magnitudes are further apart than the tolerance. */
    private static void assertMasksEqualOffNearTies(NMMask expected, NMMask actual, float[] weights, String at) {
        NMLayout layout = expected.layout();
        int perRow = layout.groupsPerRow();
        int m = layout.pattern().m();
        for (int g = 0; g < layout.groupCount(); g++) {
            int row = g / perRow;
            int width = layout.width(g % perRow);
            int keep = layout.keep(g % perRow);
            if (keep >= width) {
                continue;
            }
            float[] magnitudes = new float[width];
            for (int j = 0; j < width; j++) {
                magnitudes[j] = Math.abs(weights[row * layout.cols() + (g % perRow) * m + j]);
            }
            Arrays.sort(magnitudes);
            if (magnitudes[width - keep] - magnitudes[width - keep - 1] > TOLERANCE) {
                assertEquals(expected.groupBits(g), actual.groupBits(g), "mask of group " + g + " at " + at);
            }
        }
    }

    /** @return AdamW (weight decay 5e-3) with the given epsilon, set as OLCUT would set the configured field */
    private static AdamW adamW(double epsilon) {
        try {
            AdamW adamW = new AdamW(5e-3);
            java.lang.reflect.Field field = AdamW.class.getDeclaredField("epsilon");
            field.setAccessible(true);
            field.setDouble(adamW, epsilon);
            adamW.postConfig();
            return adamW;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TrainingData data() {
        return TrainingMethodsTest.syntheticData(230, 30, 5);
    }

    private static Architecture mlp(Activation activation) {
        return TestNetworks.mlp(30, NMPattern.parse("2:4"), activation, 3, 32, 16);
    }

    private static void runLockstep(Architecture network, Objective objective, TrainingData data, SparsityMethod method, Optimizer optimizer) {
        Pair pair = new Pair(network, objective, data, method, optimizer, 2);
        int steps = 2 * pair.fused.stepsPerEpoch();
        for (int s = 1; s <= steps; s++) {
            pair.stepAndCompare(s);
        }
    }

    @Test
    void everyMethodWithBothOptimizersKeepsStepOnAnMlp() {
        List<Supplier<SparsityMethod>> methods = List.of(Dense::new, Ste::new, () -> new SrSte(0.05), () -> new DecoupledSrSte(0.5),
                () -> new Asp(0.5));
        List<Supplier<Optimizer>> optimizers = List.of(() -> new AdamW(5e-3), () -> new Sgd(0.9, false, 5e-3), () -> new Sgd(0.9, true, 5e-3));
        for (Supplier<SparsityMethod> method : methods) {
            for (Supplier<Optimizer> optimizer : optimizers) {
                runLockstep(mlp(Activation.RELU), new SoftmaxCrossEntropy(), data(), method.get(), optimizer.get());
            }
        }
    }

    @Test
    void tanhAndGeluKeepStep() {
        runLockstep(mlp(Activation.TANH), new SoftmaxCrossEntropy(), data(), new SrSte(0.05), new AdamW(5e-3));
        runLockstep(mlp(Activation.GELU), new SoftmaxCrossEntropy(), data(), new SrSte(0.05), new AdamW(5e-3));
    }

    @Test
    void regressionAndMultiLabelObjectivesKeepStep() {
        TrainingData classes = data();
        runLockstep(mlp(Activation.RELU), new SigmoidBinaryCrossEntropy(), classes, new Ste(), new AdamW(5e-3));
        float[] targets = new float[230 * 3];
        for (int r = 0; r < 230; r++) {
            for (int k = 0; k < 3; k++) {
                targets[r * 3 + k] = (float) Math.sin(r * 0.1 + k);
            }
        }
        TrainingData regression = new TrainingData(TrainingMethodsTest.syntheticData(230, 30, 5).features(), targets, 230);
        runLockstep(mlp(Activation.RELU), new SquaredError(), regression, new SrSte(0.05), new Sgd(0.9, false, 5e-3));
    }

    /**
     * Every block type with every method and both optimizers: convolution (strided, padded), max and average pooling,
     * batch normalization, gap, residual blocks with and without a projection. With batch normalization, AdamW runs
     * with an epsilon of 1e-3: a bias right before a batch normalization has a true gradient of exactly zero, which
     * each executor computes as rounding noise of its own, and AdamW with its default epsilon divides that noise by its
     * own root and steps by the learning rate, so the two executors' biases would part by design. Inside the residual network a batch
     * normalization feeds GELU, not ReLU: on this small image set a channel there can be constant over a batch, so its
     * normalized values are rounding noise around beta, and a ReLU would pass or stop each one's gradient by the
     * noise's sign, differently in each executor.
     */
    @Test
    void everyBlockTypeKeepsStep() {
        TrainingData data = ConvNetTest.bars(120, 6);
        String plain = "conv 8x3s2p1, relu, avgpool 3, flatten, dense 8, tanh";
        String normalized = "conv 4x3p1, bn, relu, maxpool 2, flatten, dense 8, gelu";
        String residual = "conv 4x3p1, bn, relu, residual(conv 4x3p1, bn, gelu, conv 4x3p1, bn), gelu, residual(conv 8x3s2p1, bn), relu, gap";
        for (SparsityMethod method : List.of(new Dense(), new Ste(), new SrSte(0.05), new Asp(0.5))) {
            runLockstep(ConvNetTest.network(plain, data.outputs()), new SoftmaxCrossEntropy(), data, method, new AdamW(5e-3));
            runLockstep(ConvNetTest.network(plain, data.outputs()), new SoftmaxCrossEntropy(), data, method.copy(), new Sgd(0.9, false, 5e-3));
            runLockstep(ConvNetTest.network(normalized, data.outputs()), new SoftmaxCrossEntropy(), data, method.copy(), new Sgd(0.9, false, 5e-3));
            runLockstep(ConvNetTest.network(normalized, data.outputs()), new SoftmaxCrossEntropy(), data, method.copy(), adamW(1e-3));
            runLockstep(ConvNetTest.network(residual, data.outputs()), new SoftmaxCrossEntropy(), data, method.copy(), new Sgd(0.9, true, 5e-3));
            runLockstep(ConvNetTest.network(residual, data.outputs()), new SoftmaxCrossEntropy(), data, method.copy(), adamW(1e-3));
        }
    }

    /**
     * Prediction where Java does not see array memory runs the network's ops twin: batch normalization with its running
     * statistics, both poolings, gap and residual blocks, against the fused prediction of the same trained network.
     */
    @Test
    void predictionThroughTheOpsTwinMatchesTheFusedOne() {
        TrainingData data = ConvNetTest.bars(120, 6);
        for (String blocks : List.of("conv 4x3p1, relu, bn, maxpool 2, conv 4x3p1, bn, avgpool 3, flatten",
                "conv 4x3p1, bn, relu, residual(conv 4x3p1, bn, gelu, conv 4x3p1, bn), relu, residual(conv 8x3s2p1, bn), relu, gap")) {
            TrainingPlan plan = TrainingPlan.builder().method(new SrSte(2e-4)).optimizer(new AdamW(5e-3)).learningRate(1e-2).epochs(2)
                    .batchSize(40).seed(3).executor(Executor.FUSED).build();
            TrainingSession session = new TrainingSession(ConvNetTest.network(blocks, data.outputs()), new SoftmaxCrossEntropy(), plan, data);
            for (int s = 0; s < 2 * session.stepsPerEpoch(); s++) {
                session.step();
            }
            float[] features = Arrays.copyOf(data.features(), 30 * data.inputs());
            float[] fused = session.network().predict(features, 30);
            float[] ops = split(() -> session.network().predict(features, 30));
            assertAllClose(fused, ops, "predictions of " + blocks);
        }
    }

    @Test
    void aComponentWithoutAnOpsFormIsRefusedBeforeAnythingTrains() {
        TrainingPlan plan = TrainingPlan.builder().method(new io.github.nmsparse.engine.method.CountingSte(2)).optimizer(new AdamW())
                .learningRate(1e-2).epochs(1).batchSize(50).seed(1).executor(Executor.OPS).build();
        UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class,
                () -> new TrainingSession(mlp(Activation.RELU), new SoftmaxCrossEntropy(), plan, data()));
        assertTrue(refused.getMessage().contains("CountingSte") && refused.getMessage().contains("OPS"), refused.getMessage());
        TrainingPlan decay = TrainingPlan.builder().method(new io.github.nmsparse.engine.method.FusedOnlyDecay()).optimizer(new AdamW())
                .learningRate(1e-2).epochs(1).batchSize(50).seed(1).executor(Executor.OPS).build();
        UnsupportedOperationException skipped = assertThrows(UnsupportedOperationException.class,
                () -> new TrainingSession(mlp(Activation.RELU), new SoftmaxCrossEntropy(), decay, data()));
        assertTrue(skipped.getMessage().contains("FusedOnlyDecay") && skipped.getMessage().contains("decoupledStep"), skipped.getMessage());
    }

    @Test
    void splitMemoryCatchesAMissingTagThatSharedMemoryCannotSee() {
        // The first step's first host write is the upload of the first weight matrix; without its tag, split memory
        // leaves the device weights at zero, as a GPU would.
        Pair broken = new Pair(mlp(Activation.RELU), new SoftmaxCrossEntropy(), data(), new SrSte(0.05), new AdamW(5e-3), 1);
        HostMemory.skipTags(1);
        assertThrows(AssertionFailedError.class, () -> broken.stepAndCompare(1));

        // The same missing tag on shared memory (ND4J's CPU backend as it is) changes nothing: no CPU test without
        // split memory could catch it.
        HostMemory.skipTags(0);
        Pair shared = new Pair(mlp(Activation.RELU), new SoftmaxCrossEntropy(), data(), new SrSte(0.05), new AdamW(5e-3), 1);
        HostMemory.skipTags(1);
        double fusedLoss = shared.fused.step();
        double opsLoss = shared.ops.step();
        assertClose(fusedLoss, opsLoss, "loss with a skipped tag on shared memory");
        assertTrue(Double.isFinite(opsLoss));
    }

    @Test
    void theFusedExecutorIsRefusedWhereJavaDoesNotSeeTheArrays() {
        TrainingPlan plan = TrainingPlan.builder().method(new Ste()).optimizer(new AdamW()).learningRate(1e-2).epochs(1).batchSize(50)
                .seed(1).executor(Executor.FUSED).build();
        IllegalStateException refused = split(() -> assertThrows(IllegalStateException.class,
                () -> new TrainingSession(mlp(Activation.RELU), new SoftmaxCrossEntropy(), plan, data())));
        assertTrue(refused.getMessage().contains("FUSED") && refused.getMessage().contains("wrong model"), refused.getMessage());
        assertEquals(Executor.OPS, split(Executor.AUTO::resolve));
        assertEquals(Executor.FUSED, Executor.AUTO.resolve());
    }
}

package io.github.nmsparse.engine;

import io.github.nmsparse.engine.method.Asp;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.HostMemory;
import io.github.nmsparse.engine.network.LayerWeights;
import io.github.nmsparse.engine.optimizer.AdamW;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Validation on a hold-out and early stopping: the measures per epoch, the stop after {@code patience} epochs without
 * improvement, the best epoch's state (weights and masks) restored exactly, and exact resumes from checkpoints.
 */
class EarlyStoppingTest {

    private static final Architecture MLP = TrainingMethodsTest.mlp(30);
    private static final int EPOCHS = 40;
    private static final int PATIENCE = 3;

    /** 180 training rows and a 60-row hold-out of the same synthetic problem, labels a little noisy to overfit on. */
    private static TrainingData data() {
        TrainingData all = TrainingMethodsTest.syntheticData(240, 30, 5);
        return all.select(IntStream.range(0, 180).toArray()).withValidation(all.select(IntStream.range(180, 240).toArray()));
    }

    private static TrainingPlan plan(Executor executor, int epochs) {
        return TrainingPlan.builder().method(new SrSte(2e-3)).optimizer(new AdamW(1e-4)).learningRate(3e-2).epochs(epochs)
                .warmupEpochs(1).batchSize(30).seed(11).executor(executor).build();
    }

    /** Keeps the network's state after every epoch, before early stopping hears of it. */
    private static final class EveryEpoch implements TrainingListener {
        final Map<Integer, byte[]> states = new HashMap<>();

        @Override
        public void onEpochEnd(TrainingRun run) {
            states.put(run.epochsDone(), EarlyStopping.copy(run.network()));
        }
    }

    private static List<EpochRecord> withoutTimes(List<EpochRecord> history) {
        return history.stream().map(EpochRecord::withoutTime).toList();
    }

    @Test
    void stopsAfterPatienceWithoutImprovementAndRestoresTheBestEpochExactly() {
        for (EarlyStopping.Monitor monitor : EarlyStopping.Monitor.values()) {
            EveryEpoch every = new EveryEpoch();
            EarlyStopping stopping = new EarlyStopping(monitor, PATIENCE, true);
            TrainingResult result = NetworkTrainer.train(MLP, new SoftmaxCrossEntropy(), plan(Executor.AUTO, EPOCHS), data(),
                    List.of(every, stopping));
            List<EpochRecord> history = result.history();
            String what = monitor.toString();
            assertTrue(stopping.stoppedAfter() > 0 && stopping.stoppedAfter() < EPOCHS, what + " stops early, after " + stopping.stoppedAfter());
            assertEquals(stopping.stoppedAfter(), history.size(), what + ": no epoch trains after the stop");
            assertEquals(PATIENCE, stopping.stoppedAfter() - stopping.bestEpoch(), what + ": patience epochs after the best");
            double[] measure = history.stream().mapToDouble(r -> monitor == EarlyStopping.Monitor.VALIDATION_LOSS
                    ? r.validationLoss() : -r.validationAccuracy()).toArray();
            for (int e = 0; e < measure.length; e++) {
                assertTrue(Double.isFinite(measure[e]) && Double.isFinite(history.get(e).validationAccuracy()), what + " epoch " + (e + 1));
                if (e + 1 < stopping.bestEpoch()) {
                    assertTrue(measure[e] >= measure[stopping.bestEpoch() - 1] || e + 1 == stopping.bestEpoch(), what + ": epoch " + (e + 1));
                }
                if (e + 1 > stopping.bestEpoch()) {
                    assertTrue(measure[e] >= measure[stopping.bestEpoch() - 1], what + ": epoch " + (e + 1) + " is no improvement");
                }
            }
            assertFalse(stopping.bestEpoch() == history.size(), what + ": the best epoch is not the last, so restoring matters");
            assertArrayEquals(every.states.get(stopping.bestEpoch()), EarlyStopping.copy(result.network()), what + ": the best epoch's weights and masks");
            for (LayerWeights layer : result.network().snapshot().layers()) {
                assertTrue(layer.validity().isValid(), what + ": the restored " + layer + " is N:M-valid");
            }
        }
    }

    @Test
    void withoutRestoringTheModelIsTheLastEpochs() {
        EveryEpoch every = new EveryEpoch();
        EarlyStopping stopping = new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, PATIENCE, false);
        TrainingResult result = NetworkTrainer.train(MLP, new SoftmaxCrossEntropy(), plan(Executor.AUTO, EPOCHS), data(), List.of(every, stopping));
        assertArrayEquals(every.states.get(result.history().size()), EarlyStopping.copy(result.network()));
    }

    @Test
    void patienceZeroTrainsEveryEpochAndStillEndsWithTheBest() {
        EveryEpoch every = new EveryEpoch();
        EarlyStopping stopping = new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, 0, true);
        TrainingResult result = NetworkTrainer.train(MLP, new SoftmaxCrossEntropy(), plan(Executor.AUTO, 12), data(), List.of(every, stopping));
        assertEquals(12, result.history().size());
        assertEquals(0, stopping.stoppedAfter());
        assertTrue(stopping.bestEpoch() < 12, "the best epoch is not the last, so restoring matters: " + stopping.bestEpoch());
        assertArrayEquals(every.states.get(stopping.bestEpoch()), EarlyStopping.copy(result.network()));
    }

    /** The ops executor's hold-out predictions run under split memory, as on a GPU, and agree with the fused executor's. */
    /** Under ASP the epochs of the dense phase are no candidates: the hold-out saw weights the pruned model would not keep. */
    @Test
    void underAspOnlyEpochsAfterPruningCanBeTheBest() {
        EveryEpoch every = new EveryEpoch();
        EarlyStopping stopping = new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, 0, true);
        TrainingPlan plan = TrainingPlan.builder().method(new Asp(0.5)).optimizer(new AdamW(1e-4)).learningRate(3e-2).epochs(12)
                .warmupEpochs(1).batchSize(30).seed(11).build();
        TrainingResult result = NetworkTrainer.train(MLP, new SoftmaxCrossEntropy(), plan, data(), List.of(every, stopping));
        assertTrue(stopping.bestEpoch() > 6, "pruned at epoch 7 of 12; best " + stopping.bestEpoch());
        assertArrayEquals(every.states.get(stopping.bestEpoch()), EarlyStopping.copy(result.network()));
        for (LayerWeights layer : result.network().snapshot().layers()) {
            assertTrue(layer.validity().isValid());
        }
    }

    @Test
    void aRunIsResumedOnlyWithTheEarlyStoppingSettingsItWasStartedWith(@TempDir Path dir) throws IOException {
        CheckpointPolicy policy = new CheckpointPolicy(dir, 1);
        assertThrows(CheckpointResumeTest.Crash.class,
                () -> run(new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, PATIENCE, true), policy, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(new EarlyStopping(EarlyStopping.Monitor.VALIDATION_ACCURACY, PATIENCE, true), policy, -1));
        assertTrue(e.getMessage().contains("monitor VALIDATION_LOSS, patience 3") && e.getMessage().contains("resume with the same settings"),
                e.getMessage());
    }

    @Test
    void anInstanceTrainsASecondRunFromNothing() {
        EarlyStopping stopping = new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, PATIENCE, true);
        TrainingResult first = NetworkTrainer.train(MLP, new SoftmaxCrossEntropy(), plan(Executor.AUTO, EPOCHS), data(), List.of(stopping));
        int firstBest = stopping.bestEpoch();
        TrainingResult second = NetworkTrainer.train(MLP, new SoftmaxCrossEntropy(), plan(Executor.AUTO, EPOCHS), data(), List.of(stopping));
        assertEquals(firstBest, stopping.bestEpoch());
        assertEquals(withoutTimes(first.history()), withoutTimes(second.history()));
        assertArrayEquals(EarlyStopping.copy(first.network()), EarlyStopping.copy(second.network()));
    }

    @Test
    void theValidationMeasuresAgreeBetweenExecutors() {
        assumeTrue(Nd4j.getEnvironment().isCPU(), "the fused executor runs on the CPU backend only");
        List<EpochRecord> fused = NetworkTrainer.train(MLP, new SoftmaxCrossEntropy(), plan(Executor.FUSED, 4), data(), List.of()).history();
        List<EpochRecord> ops;
        HostMemory.simulateSplitMemory(true);
        try {
            ops = NetworkTrainer.train(MLP, new SoftmaxCrossEntropy(), plan(Executor.OPS, 4), data(), List.of()).history();
        } finally {
            HostMemory.simulateSplitMemory(false);
        }
        for (int e = 0; e < 4; e++) {
            assertEquals(fused.get(e).validationLoss(), ops.get(e).validationLoss(), 1e-4 * fused.get(e).validationLoss(), "epoch " + (e + 1));
            assertEquals(fused.get(e).validationAccuracy(), ops.get(e).validationAccuracy(), 1.0 / 60 + 1e-9, "epoch " + (e + 1));
        }
    }

    @Test
    void aRunWithoutAHoldOutIsToldWhatEarlyStoppingNeeds() {
        TrainingData noHoldOut = TrainingMethodsTest.syntheticData(100, 30, 5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> NetworkTrainer.train(MLP, new SoftmaxCrossEntropy(),
                plan(Executor.AUTO, 3), noHoldOut, List.of(new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, 2, true))));
        assertTrue(e.getMessage().contains("no validation hold-out"), e.getMessage());
    }

    private static TrainingResult run(EarlyStopping stopping, CheckpointPolicy checkpoints, int crashAfter) throws IOException {
        List<TrainingListener> listeners = new ArrayList<>(List.of(stopping, new CheckpointResumeTest.CrashDuring(crashAfter)));
        return NetworkTrainer.train(MLP, new SoftmaxCrossEntropy(), plan(Executor.AUTO, EPOCHS), data(), listeners, checkpoints);
    }

    @Test
    void aResumedRunStopsAndRestoresAsAnUninterruptedOne(@TempDir Path dir) throws IOException {
        EarlyStopping reference = new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, PATIENCE, true);
        TrainingResult uninterrupted = run(reference, null, -1);
        int stop = reference.stoppedAfter();
        assertTrue(stop > 2, "the reference run stops early, after epoch " + stop);
        // Crashed after its best epoch, before its stop (the checkpoint holds the best epoch's copy); then, a run that
        // finished and stopped is started again from its last checkpoint, and stays stopped.
        for (int crashAfter : new int[] {stop - 1, -1}) {
            Path checkpoints = dir.resolve("crash-" + crashAfter);
            CheckpointPolicy policy = new CheckpointPolicy(checkpoints, 1);
            if (crashAfter > 0) {
                assertThrows(CheckpointResumeTest.Crash.class, () -> run(new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, PATIENCE, true), policy, crashAfter));
            } else {
                run(new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, PATIENCE, true), policy, -1);
            }
            EarlyStopping resumed = new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, PATIENCE, true);
            TrainingResult result = run(resumed, policy, -1);
            String what = crashAfter > 0 ? "crashed after epoch " + crashAfter : "started again after its stop";
            assertEquals(withoutTimes(uninterrupted.history()), withoutTimes(result.history()), what + ": history, validation included");
            assertArrayEquals(EarlyStopping.copy(uninterrupted.network()), EarlyStopping.copy(result.network()), what + ": the restored best epoch");
            assertEquals(reference.bestEpoch(), resumed.bestEpoch(), what);
            assertEquals(stop, resumed.stoppedAfter(), what);
        }
    }
}

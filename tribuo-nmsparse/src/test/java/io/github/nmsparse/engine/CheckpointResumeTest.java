package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.method.Asp;
import io.github.nmsparse.engine.method.CountingSte;
import io.github.nmsparse.engine.method.Dense;
import io.github.nmsparse.engine.method.ForgetfulCountingSte;
import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.method.Ste;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.HostMemory;
import io.github.nmsparse.engine.network.LayerWeights;
import io.github.nmsparse.engine.network.Shape;
import io.github.nmsparse.engine.optimizer.AdamW;
import io.github.nmsparse.engine.optimizer.Optimizer;
import io.github.nmsparse.engine.optimizer.Sgd;
import io.github.nmsparse.engine.state.NamedState;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A run stopped and resumed from its checkpoint ends bit-identical to one never stopped: every piece of its state. */
class CheckpointResumeTest {

    private static final int EPOCHS = 6;
    private static final Architecture MLP = TrainingMethodsTest.mlp(30);
    private static final Architecture RESIDUAL = Architecture.builder(new Shape(1, 6, 6)).pattern(NMPattern.parse("2:4"))
            .blocks("conv 4x3p1, bn, relu, residual(conv 4x3p1, bn, relu, conv 4x3p1, bn), relu, residual(conv 8x3s2p1, bn, relu, "
                    + "conv 8x3p1, bn), relu, gap").output(3, false).build();

    /** Stops a run, as a crash would, at the end of the epoch named, before its checkpoint is written. */
    static final class Crash extends RuntimeException {
    }

    record CrashDuring(int epoch) implements TrainingListener {
        @Override
        public void onEpochEnd(TrainingRun run) {
            if (run.epochsDone() == epoch) {
                throw new Crash();
            }
        }
    }

    /**
     * Keeps, at the end of training, every piece of the run's state as bytes (the history aside: it holds times). Also
     * {@link DataParallelTest}'s.
     */
    static final class FinalState implements TrainingListener {
        final Map<String, byte[]> bytes = new LinkedHashMap<>();

        @Override
        public void onTrainingEnd(TrainingRun run) {
            for (NamedState state : run.states()) {
                if (!state.name().equals("history")) {
                    bytes.put(state.name(), StateSections.save(state, false));
                }
            }
        }
    }

    /** A run's result and its final state, as {@link FinalState} keeps it. */
    record Outcome(TrainingResult result, Map<String, byte[]> state) {
    }

    private static TrainingPlan plan(SparsityMethod method, Optimizer optimizer, long seed) {
        return plan(method, optimizer, seed, Executor.AUTO);
    }

    private static TrainingPlan plan(SparsityMethod method, Optimizer optimizer, long seed, Executor executor) {
        return TrainingPlan.builder().method(method).optimizer(optimizer).learningRate(1e-2).epochs(EPOCHS).warmupEpochs(1)
                .batchSize(40).seed(seed).executor(executor).build();
    }

    private static TrainingData data(Architecture network) {
        return network == MLP ? TrainingMethodsTest.syntheticData(230, 30, 5) : ConvNetTest.bars(160, 4);
    }

    private static Outcome run(Architecture network, TrainingPlan plan, CheckpointPolicy checkpoints, int crashDuring) throws IOException {
        FinalState state = new FinalState();
        List<TrainingListener> listeners = new ArrayList<>(List.of(new CrashDuring(crashDuring), state));
        TrainingResult result = NetworkTrainer.train(network, new SoftmaxCrossEntropy(), plan, data(network), listeners, checkpoints);
        return new Outcome(result, state.bytes);
    }

    /** Asserts two runs ended the same, bit for bit: every piece of state, the history, the prediction weights. */
    static void assertSameRun(Outcome expected, Outcome actual, String what) {
        assertEquals(expected.state().keySet(), actual.state().keySet(), what);
        for (String piece : expected.state().keySet()) {
            assertArrayEquals(expected.state().get(piece), actual.state().get(piece), what + ": " + piece);
        }
        assertEquals(expected.result().history().stream().map(EpochRecord::withoutTime).toList(),
                actual.result().history().stream().map(EpochRecord::withoutTime).toList(), what + ": history, SAD included");
        for (int i = 0; i < expected.result().network().snapshot().layers().size(); i++) {
            assertArrayEquals(expected.result().network().snapshot().layers().get(i).weights(),
                    actual.result().network().snapshot().layers().get(i).weights(), what + ": layer " + i);
        }
    }

    /** @return the run stopped during the epoch given and resumed, against the run never stopped */
    private static void assertResumesBitIdentical(Architecture network, SparsityMethod method, Optimizer optimizer, int crashDuring,
                                                  Path dir) throws IOException {
        String what = method.describe() + " with " + optimizer.describe() + ", stopped during epoch " + crashDuring;
        Outcome uninterrupted = run(network, plan(method, optimizer, 7), null, -1);
        Path checkpoints = Files.createTempDirectory(dir, "run");
        CheckpointPolicy policy = new CheckpointPolicy(checkpoints, 1);
        assertThrows(Crash.class, () -> run(network, plan(method, optimizer, 7), policy, crashDuring));
        assertTrue(Files.isRegularFile(checkpoints.resolve(CheckpointListener.FILE_NAME)));
        // A crash in the middle of writing the next checkpoint leaves only a partial file beside the last one.
        Files.writeString(checkpoints.resolve(CheckpointListener.FILE_NAME + ".partial"), "half a checkpoint");
        assertSameRun(uninterrupted, run(network, plan(method, optimizer, 7), policy, -1), what);
    }

    @Test
    void opsRunsResumeBitIdenticalUnderSplitMemory(@TempDir Path dir) throws IOException {
        HostMemory.simulateSplitMemory(true);
        try {
            for (Architecture network : List.of(MLP, RESIDUAL)) {
                TrainingPlan plan = plan(new SrSte(2e-3), new AdamW(1e-4), 7, Executor.OPS);
                Outcome uninterrupted = run(network, plan, null, -1);
                Path checkpoints = Files.createTempDirectory(dir, "run");
                CheckpointPolicy policy = new CheckpointPolicy(checkpoints, 1);
                assertThrows(Crash.class, () -> run(network, plan, policy, 3));
                assertSameRun(uninterrupted, run(network, plan, policy, -1), "OPS, stopped during epoch 3");
            }
        } finally {
            HostMemory.simulateSplitMemory(false);
        }
    }

    /**
     * A checkpoint written by one executor resumes in the other: the epochs before the stop are the checkpoint's, and
     * the rest train on from its state to the weights the uninterrupted run reaches, within float rounding.
     */
    @Test
    void aCheckpointOfOneExecutorResumesInTheOther(@TempDir Path dir) throws IOException {
        assumeTrue(Nd4j.getEnvironment().isCPU(), "the fused executor runs on the CPU backend only");
        for (Executor first : List.of(Executor.FUSED, Executor.OPS)) {
            Executor second = first == Executor.FUSED ? Executor.OPS : Executor.FUSED;
            String what = "written by " + first + ", resumed by " + second;
            Outcome uninterrupted = run(MLP, plan(new SrSte(2e-3), new AdamW(1e-4), 7, first), null, -1);
            Path checkpoints = Files.createTempDirectory(dir, "run");
            CheckpointPolicy policy = new CheckpointPolicy(checkpoints, 1);
            assertThrows(Crash.class, () -> run(MLP, plan(new SrSte(2e-3), new AdamW(1e-4), 7, first), policy, 4));
            Outcome resumed = run(MLP, plan(new SrSte(2e-3), new AdamW(1e-4), 7, second), policy, -1);
            List<EpochRecord> expected = uninterrupted.result().history();
            List<EpochRecord> actual = resumed.result().history();
            assertEquals(expected.subList(0, 3).stream().map(EpochRecord::withoutTime).toList(),
                    actual.subList(0, 3).stream().map(EpochRecord::withoutTime).toList(), what + ": the checkpoint's epochs");
            for (int e = 3; e < EPOCHS; e++) {
                assertEquals(expected.get(e).loss(), actual.get(e).loss(), 1e-4 * expected.get(e).loss(), what + ": loss of epoch " + (e + 1));
            }
            List<LayerWeights> layers = uninterrupted.result().network().snapshot().layers();
            for (int i = 0; i < layers.size(); i++) {
                float[] a = layers.get(i).weights();
                float[] b = resumed.result().network().snapshot().layers().get(i).weights();
                for (int k = 0; k < a.length; k++) {
                    assertEquals(a[k], b[k], 1e-4 * Math.max(1, Math.abs(a[k])), what + ": layer " + i + ", weight " + k);
                }
            }
        }
    }

    @Test
    void everyMethodAndOptimizerResumesBitIdenticalOnAnMlp(@TempDir Path dir) throws IOException {
        for (SparsityMethod method : List.of(new Dense(), new Ste(), new SrSte(2e-3), new Asp(0.5))) {
            for (Optimizer optimizer : List.of(new AdamW(1e-4), new Sgd(0.9, true, 1e-4))) {
                // ASP prunes at epoch 4 of 6: stopped during epoch 3 it resumes before pruning, during 5 with the mask fixed.
                for (int crashDuring : List.of(3, 5)) {
                    assertResumesBitIdentical(MLP, method, optimizer, crashDuring, dir);
                }
            }
        }
    }

    @Test
    void everyMethodAndOptimizerResumesBitIdenticalOnAResidualNetwork(@TempDir Path dir) throws IOException {
        for (SparsityMethod method : List.of(new Dense(), new Ste(), new SrSte(2e-3), new Asp(0.5))) {
            for (Optimizer optimizer : List.of(new AdamW(1e-4), new Sgd(0.9, true, 1e-4))) {
                assertResumesBitIdentical(RESIDUAL, method, optimizer, method instanceof Asp ? 5 : 3, dir);
            }
        }
    }

    /**
     * The method's own step count crosses the checkpoint through the state interface; a method that drops it does not
     * resume (6 steps an epoch, every 5th refreshes: counted anew from 0 after epoch 2, the refreshes move).
     */
    @Test
    void aMethodsOwnStateIsSavedAndRestored(@TempDir Path dir) throws IOException {
        for (Architecture network : List.of(MLP, RESIDUAL)) {
            assertResumesBitIdentical(network, new CountingSte(5), new AdamW(1e-4), 3, dir);
        }
        Outcome uninterrupted = run(MLP, plan(new ForgetfulCountingSte(5), new AdamW(1e-4), 7), null, -1);
        CheckpointPolicy policy = new CheckpointPolicy(Files.createTempDirectory(dir, "forgetful"), 1);
        assertThrows(Crash.class, () -> run(MLP, plan(new ForgetfulCountingSte(5), new AdamW(1e-4), 7), policy, 3));
        Outcome resumed = run(MLP, plan(new ForgetfulCountingSte(5), new AdamW(1e-4), 7), policy, -1);
        assertFalse(java.util.Arrays.equals(uninterrupted.result().network().snapshot().layers().get(0).weights(),
                resumed.result().network().snapshot().layers().get(0).weights()), "without its count the resumed run refreshes on other steps");
    }

    @Test
    void workLostIsAtMostTheEpochsBetweenCheckpoints(@TempDir Path dir) throws IOException {
        TrainingPlan plan = plan(new SrSte(), new AdamW(1e-4), 3);
        CheckpointPolicy everyTwo = new CheckpointPolicy(dir, 2);
        assertThrows(Crash.class, () -> run(MLP, plan, everyTwo, 5));
        List<Integer> resumedEpochs = new ArrayList<>();
        TrainingListener epochs = new TrainingListener() {
            @Override
            public void onEpochEnd(TrainingRun run) {
                resumedEpochs.add(run.epochsDone());
            }
        };
        NetworkTrainer.train(MLP, new SoftmaxCrossEntropy(), plan, data(MLP), List.of(epochs), everyTwo);
        assertEquals(List.of(5, 6), resumedEpochs, "the checkpoint after epoch 4 is the last one before the stop");
    }

    @Test
    void aCheckpointOfAnotherRunOrADamagedOneIsRefusedByName(@TempDir Path dir) throws IOException {
        CheckpointPolicy policy = new CheckpointPolicy(dir, 1);
        assertThrows(Crash.class, () -> run(MLP, plan(new Ste(), new AdamW(1e-4), 1), policy, 3));
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> run(MLP, plan(new Ste(), new AdamW(1e-4), 2), policy, -1));
        assertTrue(other.getMessage().contains("written by another run"), other.getMessage());
        IllegalArgumentException otherMethod = assertThrows(IllegalArgumentException.class,
                () -> run(MLP, plan(new SrSte(), new AdamW(1e-4), 1), policy, -1));
        assertTrue(otherMethod.getMessage().contains("written by another run"), otherMethod.getMessage());

        Path file = dir.resolve(CheckpointListener.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        IOException damaged = assertThrows(IOException.class, () -> run(MLP, plan(new Ste(), new AdamW(1e-4), 1), policy, -1));
        assertTrue(damaged.getMessage().contains("is damaged: its checksum does not match; delete it"), damaged.getMessage());
        Files.write(file, java.util.Arrays.copyOf(bytes, 100));
        IOException truncated = assertThrows(IOException.class, () -> run(MLP, plan(new Ste(), new AdamW(1e-4), 1), policy, -1));
        assertTrue(truncated.getMessage().contains("is damaged"), truncated.getMessage());
    }

    @Test
    void writingReplacesTheCheckpointAtomicallyAndLeavesNoPartialFile(@TempDir Path dir) throws IOException {
        run(MLP, plan(new SrSte(), new AdamW(1e-4), 1), new CheckpointPolicy(dir, 1), -1);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve(CheckpointListener.FILE_NAME)), files.toList());
        }
        assertThrows(IllegalArgumentException.class, () -> new CheckpointPolicy(dir, 0));
    }

    @Test
    void theCheckpointHoldsOneNamedSectionPerPieceOfState(@TempDir Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        TrainingListener list = new TrainingListener() {
            @Override
            public void onTrainingStart(TrainingRun run) {
                run.states().forEach(state -> names.add(state.name()));
            }
        };
        NetworkTrainer.train(RESIDUAL, new SoftmaxCrossEntropy(), plan(new Asp(0.5), new Sgd(), 1), data(RESIDUAL), List.of(list));
        assertEquals("position", names.get(0));
        assertEquals("weights", names.get(1));
        assertTrue(names.containsAll(List.of("sparse layer 0 (mask and masked weights)", "sparse layer 5 (mask and masked weights)",
                "optimizer Sgd", "method Asp", "history", "listener SadTracker")), names.toString());
        assertEquals(5, names.stream().filter(name -> name.startsWith("batch normalization")).count(), names.toString());
        assertNotEquals(names.indexOf("method Asp"), -1);
    }
}

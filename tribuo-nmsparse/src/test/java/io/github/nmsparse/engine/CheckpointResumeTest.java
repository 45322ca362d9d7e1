package io.github.nmsparse.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointResumeTest {

    private static final int EPOCHS = 6;

    /** Stops a run, as a crash would, right after the epoch named. */
    private static final class Crash extends RuntimeException {
    }

    private static TrainingPlan plan(TrainingMethod method, Optimizer optimizer, long seed) {
        return TrainingPlan.builder().method(method, new TrainingMethod.Settings(2e-3, 0.5)).optimizer(optimizer)
                .learningRate(1e-2).epochs(EPOCHS).warmupEpochs(1).batchSize(40).seed(seed).build();
    }

    private static TrainingResult run(TrainingPlan plan, CheckpointPolicy checkpoints, int crashAfter) throws IOException {
        TrainingListener crash = (record, epochs) -> {
            if (record.epoch() == crashAfter) {
                throw new Crash();
            }
        };
        return NetworkTrainer.train(TrainingMethodsTest.spec(30), new SoftmaxCrossEntropy(), plan,
                TrainingMethodsTest.syntheticData(230, 30, 5), List.of(crash), checkpoints);
    }

    private static void assertSameRun(TrainingResult expected, TrainingResult actual, String what) {
        NetworkSnapshot a = NetworkSnapshot.of(expected.network());
        NetworkSnapshot b = NetworkSnapshot.of(actual.network());
        for (int i = 0; i < a.layers().size(); i++) {
            assertArrayEquals(a.layers().get(i).weights(), b.layers().get(i).weights(), what + ": layer " + i + " weights");
            assertArrayEquals(a.layers().get(i).biases(), b.layers().get(i).biases(), what + ": layer " + i + " biases");
        }
        for (int i = 0; i < expected.network().parameters().size(); i++) {
            Parameter p = expected.network().parameters().get(i);
            Parameter q = actual.network().parameters().get(i);
            assertArrayEquals(p.firstMoment(), q.firstMoment(), what + ": optimizer state " + i);
        }
        assertEquals(expected.history().stream().map(EpochRecord::withoutTime).toList(),
                actual.history().stream().map(EpochRecord::withoutTime).toList(), what + ": history, SAD included");
    }

    @Test
    void aRunResumedFromItsCheckpointEndsBitIdenticalToOneNeverStopped(@TempDir Path dir) throws IOException {
        for (TrainingMethod method : TrainingMethod.values()) {
            for (Optimizer optimizer : List.of(new AdamW(1e-4), new SgdMomentum(0.9, true, 1e-4))) {
                String what = method + " with " + optimizer.describe();
                TrainingResult uninterrupted = run(plan(method, optimizer, 7), null, -1);
                // ASP prunes at epoch 3 of 6: crashing after 2 resumes before pruning, after 4 with the mask fixed.
                for (int crashAfter : List.of(2, 4)) {
                    Path checkpoints = Files.createTempDirectory(dir, "run");
                    CheckpointPolicy policy = new CheckpointPolicy(checkpoints, 1);
                    assertThrows(Crash.class, () -> run(plan(method, optimizer, 7), policy, crashAfter));
                    assertTrue(TrainingCheckpoint.exists(checkpoints));
                    // A crash in the middle of writing the next checkpoint leaves only a partial file beside the last one.
                    Files.writeString(checkpoints.resolve(TrainingCheckpoint.FILE_NAME + ".partial"), "half a checkpoint");
                    TrainingResult resumed = run(plan(method, optimizer, 7), policy, -1);
                    assertSameRun(uninterrupted, resumed, what + ", stopped after epoch " + crashAfter);
                }
            }
        }
    }

    @Test
    void workLostIsAtMostTheEpochsBetweenCheckpoints(@TempDir Path dir) throws IOException {
        TrainingPlan plan = plan(TrainingMethod.SR_STE, new AdamW(1e-4), 3);
        CheckpointPolicy everyTwo = new CheckpointPolicy(dir, 2);
        assertThrows(Crash.class, () -> run(plan, everyTwo, 5));
        List<Integer> resumedEpochs = new java.util.ArrayList<>();
        TrainingResult resumed = NetworkTrainer.train(TrainingMethodsTest.spec(30), new SoftmaxCrossEntropy(), plan,
                TrainingMethodsTest.syntheticData(230, 30, 5), List.of((record, epochs) -> resumedEpochs.add(record.epoch())), everyTwo);
        assertEquals(List.of(5, 6), resumedEpochs, "the checkpoint after epoch 4 is the last one before the stop");
        assertSameRun(run(plan, null, -1), resumed, "every 2 epochs");
    }

    @Test
    void aCheckpointOfAnotherRunOrADamagedOneIsRefusedByName(@TempDir Path dir) throws IOException {
        CheckpointPolicy policy = new CheckpointPolicy(dir, 1);
        assertThrows(Crash.class, () -> run(plan(TrainingMethod.STE, new AdamW(1e-4), 1), policy, 2));
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> run(plan(TrainingMethod.STE, new AdamW(1e-4), 2), policy, -1));
        assertTrue(other.getMessage().contains("written by another run"), other.getMessage());

        Path file = dir.resolve(TrainingCheckpoint.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        IOException damaged = assertThrows(IOException.class, () -> run(plan(TrainingMethod.STE, new AdamW(1e-4), 1), policy, -1));
        assertTrue(damaged.getMessage().contains("is damaged: its checksum does not match; delete it"), damaged.getMessage());
        Files.write(file, java.util.Arrays.copyOf(bytes, 100));
        IOException truncated = assertThrows(IOException.class, () -> run(plan(TrainingMethod.STE, new AdamW(1e-4), 1), policy, -1));
        assertTrue(truncated.getMessage().contains("is damaged"), truncated.getMessage());
    }

    @Test
    void writingReplacesTheCheckpointAtomicallyAndLeavesNoPartialFile(@TempDir Path dir) throws IOException {
        run(plan(TrainingMethod.SR_STE, new AdamW(1e-4), 1), new CheckpointPolicy(dir, 1), -1);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve(TrainingCheckpoint.FILE_NAME)), files.toList());
        }
        assertFalse(Files.exists(dir.resolve(TrainingCheckpoint.FILE_NAME + ".partial")));
        assertThrows(IllegalArgumentException.class, () -> new CheckpointPolicy(dir, 0));
    }
}

package io.github.nmsparse.cli;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.tribuo.NMSparseModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a training process in the middle of its run, resumes it with {@code --resume}, and checks that the model
 * is the one an uninterrupted run makes.
 */
class KillAndResumeTest {

    private static final String CHECKPOINT = "checkpoint.nmck";

    private static String[] arguments(Path checkpoints, Path model) {
        return new String[] {"--epochs", "12", "--checkpoint-dir", checkpoints.toString(), "--save-model", model.toString()};
    }

    @Test
    void aKilledRunResumesAndEndsWithTheModelOfARunNeverStopped(@TempDir Path dir) throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        Path resumedModel = dir.resolve("resumed.model");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), Main.class.getName()));
        command.addAll(Arrays.asList(arguments(checkpoints, resumedModel)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile());
        builder.environment().put("GOMP_SPINCOUNT", "3000");
        Process process = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(checkpoints.resolve(CHECKPOINT)) && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(process.isAlive(), "the run must still be training when it is killed: " + Files.readString(dir.resolve("killed.log")));
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } finally {
            process.destroyForcibly();
        }
        assertTrue(Files.exists(checkpoints.resolve(CHECKPOINT)));
        assertTrue(!Files.exists(resumedModel), "the killed run saved no model");

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        TrainTest.resume(checkpoints, new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertTrue(printed.toString(StandardCharsets.UTF_8).startsWith("Resuming: --epochs 12 --checkpoint-dir"), printed.toString());
        NMSparseModel<?> resumed = NMSparseModel.load(resumedModel);
        List<EpochRecord> history = resumed.history();
        assertEquals(12, history.size());

        Path freshModel = dir.resolve("fresh.model");
        TrainTest.TrainTestOptions options = new TrainTest.TrainTestOptions();
        String[] plain = {"--epochs", "12", "--save-model", freshModel.toString()};
        try (ConfigurationManager cm = new ConfigurationManager(plain, options)) {
            TrainTest.run(options, cm, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        }
        NMSparseModel<?> fresh = NMSparseModel.load(freshModel);
        for (int i = 0; i < fresh.snapshot().layers().size(); i++) {
            assertArrayEquals(fresh.snapshot().layers().get(i).weights(), resumed.snapshot().layers().get(i).weights(), "layer " + i);
            assertArrayEquals(fresh.snapshot().layers().get(i).biases(), resumed.snapshot().layers().get(i).biases(), "layer " + i);
        }
        assertEquals(fresh.history().stream().map(EpochRecord::withoutTime).toList(),
                history.stream().map(EpochRecord::withoutTime).toList(), "the same history, SAD included");
        assertEquals(fresh.getProvenance().getTrainerProvenance(), resumed.getProvenance().getTrainerProvenance(),
                "checkpointing does not enter the provenance");
    }

    @Test
    void resumingADirectoryWithoutARunSaysSo(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainTest.resume(dir, System.out));
        assertTrue(e.getMessage().contains("nothing to resume in") && e.getMessage().contains("--checkpoint-dir"), e.getMessage());
    }
}

package io.github.nmsparse.cli;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReproduceTest {

    @Test
    void aModelSavedByTheCommandLineIsReproducedIdentically(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mnist.model");
        Path onnx = dir.resolve("mnist.onnx");
        String[] args = {"--epochs", "1", "--hidden", "32", "--save-model", file.toString(), "--export-onnx", onnx.toString()};
        TrainTest.TrainTestOptions options = new TrainTest.TrainTestOptions();
        TrainTest.run(options, new ConfigurationManager(args, options), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean identical = Reproduce.run(file, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(identical, out);
        assertTrue(out.contains("on org.tribuo.datasource.IDXDataSource"), out);
        assertTrue(out.contains("weights and biases: bit-identical"), out);
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        try (ai.onnxruntime.OrtSession session = env.createSession(onnx.toString(), new ai.onnxruntime.OrtSession.SessionOptions())) {
            assertTrue(session.getInputNames().contains("input") && session.getOutputNames().contains("output"));
        }
    }

    @Test
    void aTruncatedFileGetsAClearError(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.model");
        Files.write(file, new byte[] {10, 50, 1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> Reproduce.run(file, System.out));
        assertTrue(e.getMessage().contains("truncated or not a protobuf model"), e.getMessage());
    }
}

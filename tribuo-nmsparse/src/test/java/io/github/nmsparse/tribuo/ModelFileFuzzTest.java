package io.github.nmsparse.tribuo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Feeds the model loader thousands of mutated and truncated model files. Each must load as a model whose sparse
 * layers are N:M-valid and whose predictions are finite, or fail with the documented exceptions (IOException for
 * a file that is not a complete protobuf model, IllegalArgumentException for an inconsistent one), quickly.
 */
class ModelFileFuzzTest {

    private static final int MUTANTS = 3000;

    @Test
    void mutatedAndTruncatedFilesLoadValidModelsOrFailAsDocumented(@TempDir Path dir) throws Exception {
        NMSparseModel<Label> model = NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(8).epochs(1).batchSize(64)
                .build().train(ShippedData.digits("train"));
        Path original = dir.resolve("model");
        model.serializeToFile(original);
        byte[] bytes = Files.readAllBytes(original);
        SplittableRandom random = new SplittableRandom(2026);
        int loaded = 0;
        int refused = 0;
        Path file = dir.resolve("mutant");
        for (int i = 0; i < MUTANTS; i++) {
            byte[] mutant = mutate(bytes, random);
            Files.write(file, mutant);
            int index = i;
            boolean ok = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> loadsValidOrRefuses(file, index));
            if (ok) {
                loaded++;
            } else {
                refused++;
            }
        }
        assertEquals(MUTANTS, loaded + refused);
        assertTrue(refused > MUTANTS / 2, "most mutants are refused: " + refused);
        assertTrue(loaded > 0, "mutations of unchecked bytes (provenance strings, values) still load: " + loaded);
    }

    /** @return true when the file loaded as a valid model, false when it was refused as documented */
    private static boolean loadsValidOrRefuses(Path file, int index) {
        NMSparseModel<?> loaded;
        try {
            loaded = NMSparseModel.load(file);
        } catch (IOException | IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "mutant " + index + ": an error without a message");
            return false;
        } catch (Throwable e) {
            fail("mutant " + index + ": undocumented " + e, e);
            return false;
        }
        for (var layer : loaded.snapshot().layers()) {
            assertTrue(layer.validity().isValid(), "mutant " + index + " loaded with a layer that is not N:M");
            for (float w : layer.weights()) {
                assertTrue(Float.isFinite(w), "mutant " + index + " loaded a non-finite weight");
            }
        }
        @SuppressWarnings("unchecked")
        NMSparseModel<Label> labels = (NMSparseModel<Label>) loaded;
        try {
            labels.predict(ShippedData.digits("test").getExample(0));
        } catch (IllegalArgumentException e) {
            // A mutated feature domain can leave the example with no known features; that is refused by name.
            assertTrue(e.getMessage().contains("features"), "mutant " + index + ": " + e.getMessage());
        }
        return true;
    }

    private static byte[] mutate(byte[] bytes, SplittableRandom random) {
        switch (random.nextInt(4)) {
            case 0 -> {
                return Arrays.copyOf(bytes, random.nextInt(bytes.length));
            }
            case 1 -> {
                byte[] flipped = bytes.clone();
                for (int k = 1 + random.nextInt(8); k > 0; k--) {
                    flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return flipped;
            }
            case 2 -> {
                byte[] overwritten = bytes.clone();
                int at = random.nextInt(overwritten.length);
                for (int k = 0; k < 1 + random.nextInt(16) && at + k < overwritten.length; k++) {
                    overwritten[at + k] = (byte) random.nextInt(256);
                }
                return overwritten;
            }
            default -> {
                int at = random.nextInt(bytes.length);
                int cut = Math.min(bytes.length - at, 1 + random.nextInt(32));
                byte[] shorter = new byte[bytes.length - cut];
                System.arraycopy(bytes, 0, shorter, 0, at);
                System.arraycopy(bytes, at + cut, shorter, at, bytes.length - at - cut);
                return shorter;
            }
        }
    }
}

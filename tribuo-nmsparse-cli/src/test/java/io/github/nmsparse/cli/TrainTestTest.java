package io.github.nmsparse.cli;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import io.github.nmsparse.engine.EarlyStopping;
import io.github.nmsparse.engine.method.Asp;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.method.Ste;
import io.github.nmsparse.engine.optimizer.AdamW;
import io.github.nmsparse.engine.optimizer.Sgd;
import io.github.nmsparse.tribuo.LabelAdapter;
import io.github.nmsparse.tribuo.NMSparseTrainer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainTestTest {

    private static NMSparseTrainer<?> trainerFrom(String... args) {
        TrainTest.TrainTestOptions options = new TrainTest.TrainTestOptions();
        ConfigurationManager cm = new ConfigurationManager(args, options);
        return TrainTest.loadTrainer(options, cm);
    }

    private static String run(String... args) throws Exception {
        TrainTest.TrainTestOptions options = new TrainTest.TrainTestOptions();
        ConfigurationManager cm = new ConfigurationManager(args, options);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TrainTest.run(options, cm, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDefaultCommandLineTrainerIsTheDefaultTrainer() {
        assertEquals(NMSparseTrainer.builder(new LabelAdapter()).build().getProvenance(), trainerFrom().getProvenance());
    }

    @Test
    void flagsOverrideTheConfiguredComponent() {
        NMSparseTrainer<?> trainer = trainerFrom("--pattern", "1:8", "--method", "STE", "--hidden", "16,8", "--epochs", "2",
                "--weight-decay", "0.01", "--sparse-output", "true", "--feature-scaling", "STANDARDIZE");
        NMSparseTrainer<?> expected = NMSparseTrainer.builder(new LabelAdapter()).pattern("1:8")
                .method(new Ste()).hiddenSizes(16, 8).epochs(2).optimizer(new AdamW(0.01))
                .sparseOutputLayer(true).featureScaling(io.github.nmsparse.tribuo.FeatureScaling.STANDARDIZE).build();
        assertEquals(expected.getProvenance(), trainer.getProvenance());
        assertNotEquals(trainerFrom().getProvenance(), trainer.getProvenance());
    }

    @Test
    void validationAndTrainingLengthFlagsSetTheTrainersSettings() throws Exception {
        NMSparseTrainer<?> trainer = trainerFrom("--validation-fraction", "0.2", "--patience", "4", "--monitor", "VALIDATION_ACCURACY",
                "--restore-best-epoch", "false", "--min-steps", "300");
        NMSparseTrainer<?> expected = NMSparseTrainer.builder(new LabelAdapter()).validation(0.2, 4, EarlyStopping.Monitor.VALIDATION_ACCURACY)
                .restoreBestEpoch(false).minSteps(300).build();
        assertEquals(expected.getProvenance(), trainer.getProvenance());
        Exception bad = assertThrows(Exception.class, () -> trainerFrom("--validation-fraction", "1.5"));
        assertTrue(messages(bad).contains("validationFraction must be at least 0 and below 1, got 1.5"), messages(bad));
        String out = run("--train", "datasets/wine/wine-train.csv", "--test", "datasets/wine/wine-test.csv", "--response", "cultivar",
                "--hidden", "16", "--epochs", "40", "--validation-fraction", "0.25", "--patience", "3");
        assertTrue(out.matches("(?s).*\\d+ epochs of 40 planned on 106 examples, batch 106; 36 held out for validation, best epoch \\d+.*"), out);
    }

    /** A block text holds commas, which OLCUT's option parser splits at: the pieces make one text again. */
    @Test
    void theBlocksFlagTakesAResidualNetwork() {
        String blocks = "conv 8x3p1, bn, relu, residual(conv 16x3s2p1, bn, relu, conv 16x3p1, bn), relu, gap";
        NMSparseTrainer<?> trainer = trainerFrom("--blocks", blocks, "--input-shape", "1,8,8", "--hidden", "32");
        NMSparseTrainer<?> expected = NMSparseTrainer.builder(new LabelAdapter()).blocks(new int[] {1, 8, 8}, blocks).hiddenSizes(32).build();
        assertEquals(expected.getProvenance(), trainer.getProvenance());
    }

    /** The method's and optimizer's own settings: a new kind takes its defaults, and a setting goes to the component that has it. */
    @Test
    void componentFlagsSetTheMethodAndTheOptimizer() {
        assertEquals(NMSparseTrainer.builder(new LabelAdapter()).method(new SrSte(0.002)).build().getProvenance(),
                trainerFrom("--lambda-w", "0.002").getProvenance(), "the trainer's own SR-STE with another lambda_w");
        assertEquals(NMSparseTrainer.builder(new LabelAdapter()).method(new Asp(0.25)).optimizer(new Sgd(0.8, true, 5e-4)).build()
                .getProvenance(), trainerFrom("--method", "ASP", "--asp-dense-fraction", "0.25", "--optimizer", "SGD", "--momentum", "0.8",
                "--nesterov", "true").getProvenance(), "new kinds with their defaults, then the settings named");
        IllegalArgumentException lambda = assertThrows(IllegalArgumentException.class, () -> trainerFrom("--method", "STE", "--lambda-w", "0.1"));
        assertEquals("--lambda-w: the trainer's method is Ste, which has no setting 'lambdaW' (it has none)", lambda.getMessage());
        IllegalArgumentException momentum = assertThrows(IllegalArgumentException.class, () -> trainerFrom("--momentum", "0.5"));
        assertEquals("--momentum: the trainer's optimizer is AdamW, which has no setting 'momentum' (its settings: beta1, beta2, epsilon, "
                + "weightDecay)", momentum.getMessage());
        IllegalArgumentException method = assertThrows(IllegalArgumentException.class, () -> trainerFrom("--method", "SRSTE"));
        assertTrue(method.getMessage().contains("'SRSTE' is not a training method; the methods are DENSE, STE, SR_STE, SR_STE_DECOUPLED, ASP"), method.getMessage());
        IllegalArgumentException optimizer = assertThrows(IllegalArgumentException.class, () -> trainerFrom("--optimizer", "ADAM"));
        assertTrue(optimizer.getMessage().contains("--optimizer ADAM is not an optimizer"), optimizer.getMessage());
        Exception bad = assertThrows(Exception.class, () -> trainerFrom("--lambda-w", "-1"));
        assertTrue(messages(bad).contains("lambdaW must be a finite number >= 0, got -1.0"), messages(bad));
    }

    @Test
    void badFlagsAndNamesGetClearErrors() {
        Exception pattern = assertThrows(Exception.class, () -> trainerFrom("--pattern", "4:2"));
        assertTrue(messages(pattern).contains("N must be less than M"), messages(pattern));
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> trainerFrom("--trainer", "nope"));
        assertTrue(name.getMessage().contains("no trainer component named 'nope'"), name.getMessage());
        IllegalArgumentException csv = assertThrows(IllegalArgumentException.class,
                () -> run("--train", "datasets/digits/digits-train.csv", "--test", "datasets/digits/digits-test.csv"));
        assertTrue(csv.getMessage().contains("--response"), csv.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> run("--train", "no/such/file.csv"));
        assertTrue(missing.getMessage().contains("no data file"), missing.getMessage());
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(" | ");
        }
        return all.toString();
    }

    @Test
    void trainsAndReportsOnCsvClassification() throws Exception {
        String out = run("--train", "datasets/digits/digits-train.csv", "--test", "datasets/digits/digits-test.csv",
                "--response", "digit", "--epochs", "3", "--hidden", "32");
        assertTrue(out.contains("Training on 1437 examples with 64 features and 10 outputs; testing on 360 examples."), out);
        assertTrue(out.contains("Accuracy: "), out);
        assertTrue(out.contains("Confusion matrix"), out);
        assertTrue(out.matches("(?s).*0\\s+32x64\\s+2:4\\s+0\\.5000\\s+1024 yes.*"), out);
        assertTrue(out.matches("(?s).*1\\s+10x32\\s+dense.*"), out);
    }

    @Test
    void savesTheModelAndReportsItsCompressedSize(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("digits.model");
        String out = run("--train", "datasets/digits/digits-train.csv", "--test", "datasets/digits/digits-test.csv",
                "--response", "digit", "--epochs", "1", "--hidden", "512,256", "--save-model", file.toString());
        java.util.regex.Matcher sizes = java.util.regex.Pattern.compile("Model file: (\\d+) bytes with N:M layers compressed, (\\d+) bytes stored dense")
                .matcher(out);
        assertTrue(sizes.find(), out);
        assertTrue(Long.parseLong(sizes.group(1)) <= 0.56 * Long.parseLong(sizes.group(2)), out);
        assertEquals(Long.parseLong(sizes.group(1)), java.nio.file.Files.size(file));
        org.tribuo.Model<?> loaded = org.tribuo.Model.deserializeFromFile(file);
        assertEquals(io.github.nmsparse.tribuo.NMSparseModel.class, loaded.getClass());
    }

    @Test
    void trainsAndReportsOnCsvRegression() throws Exception {
        String out = run("--trainer", "mlp-regression-sr-ste-2-4", "--train", "datasets/diabetes/diabetes-train.csv",
                "--test", "datasets/diabetes/diabetes-test.csv", "--response", "progression", "--epochs", "3");
        assertTrue(out.matches("(?s).*RMSE = \\{DIM-0=[0-9.]+\\}.*"), out);
        assertTrue(out.matches("(?s).*R\\^2 = \\{DIM-0=-?[0-9.]+\\}.*"), out);
        assertTrue(out.matches("(?s).*0\\s+64x10\\s+2:4.*yes.*"), out);
    }

    @Test
    void sparkFlagsTrainDataParallelAndStrayOnesAreRefused() throws Exception {
        String out = run("--train", "datasets/wine/wine-train.csv", "--test", "datasets/wine/wine-test.csv", "--response", "cultivar",
                "--hidden", "16", "--epochs", "20", "--batch-size", "16", "--spark-master", "local[2]", "--partitions", "2", "--local-steps", "2");
        assertTrue(out.contains("Data-parallel on Spark: SparkNMSparseTrainer(master=local[2], partitions=2, localSteps=2"), out);
        assertTrue(out.matches("(?s).*20 epochs of 20 planned on 142 examples, batch 16.*Accuracy: \\d+\\.\\d+%.*"), out);
        IllegalArgumentException stray = assertThrows(IllegalArgumentException.class, () -> run("--train", "datasets/wine/wine-train.csv",
                "--test", "datasets/wine/wine-test.csv", "--response", "cultivar", "--local-steps", "4"));
        assertEquals("--partitions and --local-steps need --spark-master: they set data-parallel training", stray.getMessage());
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class, () -> run("--train", "datasets/wine/wine-train.csv",
                "--test", "datasets/wine/wine-test.csv", "--response", "cultivar", "--spark-master", "local[1]", "--local-steps", "four"));
        assertEquals("--local-steps must be a whole number, got 'four'", steps.getMessage());
    }
}

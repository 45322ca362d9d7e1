package io.github.nmsparse.experiment;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.json.JsonProvenanceSerialization;
import com.oracle.labs.mlrg.olcut.config.property.SimpleProperty;
import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.tribuo.NMSparseModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentRunnerTest {

    static final List<URL> CONFIGURATIONS = List.of(
            ExperimentRunnerTest.class.getResource("/plugin-descriptor/nmsparse-trainers.xml"),
            ExperimentRunnerTest.class.getResource("/experiments/digits-grids.xml"));

    static ExperimentGrid digitsGrid(int seeds) {
        ConfigurationManager cm = new ConfigurationManager();
        CONFIGURATIONS.forEach(cm::addProperties);
        cm.overrideConfigurableProperty("digits-grid", "seeds", new SimpleProperty(Integer.toString(seeds)));
        return (ExperimentGrid) cm.lookup("digits-grid");
    }

    private static String run(ExperimentGrid grid, Path directory, List<RunResult> into) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        into.addAll(new ExperimentRunner(grid, CONFIGURATIONS, directory, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run());
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTuningGridTriesEachLearningRateOnTheSameHeldOutRowsAndNeverReadsTheTestFile(@TempDir Path directory) throws Exception {
        ConfigurationManager cm = new ConfigurationManager();
        CONFIGURATIONS.forEach(cm::addProperties);
        ExperimentGrid grid = (ExperimentGrid) cm.lookup("digits-tuning-grid");
        List<RunResult> results = new java.util.ArrayList<>();
        String progress = run(grid, directory, results);
        assertTrue(progress.contains("SR_STE-2of4-lr0.01-seed1: validation accuracy "), progress);
        assertEquals(List.of("SR_STE-2of4-lr0.001-seed1", "SR_STE-2of4-lr0.01-seed1"), results.stream().map(r -> r.run().id()).toList());
        int rows = (int) Files.lines(Path.of("datasets/digits/digits-train.csv")).count() - 1;
        for (RunResult result : results) {
            Path run = directory.resolve("runs").resolve(result.run().id());
            NMSparseModel<?> model = NMSparseModel.load(run.resolve("model.nmsparse"));
            assertEquals(result.run().learningRate(), ((Number) ((com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance<?>) model
                    .getProvenance().getTrainerProvenance().getConfiguredParameters().get("learningRate")).getValue()).doubleValue());
            assertEquals(rows - Math.round(0.2 * rows), model.getProvenance().getDatasetProvenance().getNumExamples(),
                    "trained on the rows not held out");
            assertTrue(result.testAccuracy() > 0.3, result.run().id() + ": " + result.testAccuracy());
        }
        assertTrue(Files.readString(directory.resolve(ExperimentRunner.SETTINGS_FILE)).contains("validation 0.2 of the training data, seed 1"));
        ResultTable table = new ResultTable(results);
        assertTrue(table.markdown().startsWith("| method | pattern | lambda_w | learning rate | runs |"), table.markdown());
        assertTrue(table.csv().contains("SR_STE,2:4,,0.01,"), table.csv());
        assertTrue(table.cell(Method.SR_STE, "2:4").isEmpty(), "no cell at the trainer's own learning rate, so no claim is checked");
    }

    @Test
    void aBadMethodSettingIsRefusedBeforeAnyRunTrains(@TempDir Path directory) {
        ConfigurationManager cm = new ConfigurationManager();
        CONFIGURATIONS.forEach(cm::addProperties);
        cm.overrideConfigurableProperty("digits-adamw-grid", "methodSettings",
                com.oracle.labs.mlrg.olcut.config.property.MapProperty.createFromStringMap(java.util.Map.of("SR_STE_DECOUPLED.lambdaW", "-1")));
        ExperimentGrid grid = (ExperimentGrid) cm.lookup("digits-adamw-grid");
        Exception refused = assertThrows(Exception.class, () -> run(grid, directory, new java.util.ArrayList<>()));
        assertTrue(refused.getMessage().contains("lambdaW must be a finite number >= 0, got -1.0"), refused.getMessage());
        assertFalse(Files.exists(directory.resolve("runs")), "nothing trained");
    }

    @Test
    void resultFilesWrittenBeforeTheLearningRateAxisReadBackWithTheTrainersOwn() throws Exception {
        RunSpec spec = ResultFiles.JSON.readValue("{\"method\": \"SR_STE\", \"pattern\": \"2:4\", \"lambdaW\": \"NaN\", \"seed\": 2}", RunSpec.class);
        assertTrue(Double.isNaN(spec.learningRate()));
        assertEquals("SR_STE-2of4-seed2", spec.id());
    }

    @Test
    void runsEachRunOnceSavesItsProvenanceAndResumesWhereItStopped(@TempDir Path directory) throws Exception {
        ExperimentGrid grid = digitsGrid(2);
        List<RunResult> first = new java.util.ArrayList<>();
        String progress = run(grid, directory, first);
        assertEquals(8, first.size(), "DENSE, STE 2:4, SR_STE 2:4 and one sweep value, twice");
        assertTrue(progress.contains("[1/8] DENSE-dense-seed1 ..."), progress);
        assertTrue(progress.contains("about "), "an estimate of the time left: " + progress);
        for (RunResult result : first) {
            Path run = directory.resolve("runs").resolve(result.run().id());
            NMSparseModel<?> model = NMSparseModel.load(run.resolve("model.nmsparse"));
            assertEquals(model.getProvenance(), new JsonProvenanceSerialization(true).deserializeAndUnmarshal(run.resolve("provenance.json")),
                    "the saved provenance is the model's");
            assertEquals(Files.size(run.resolve("model.nmsparse")), result.modelBytes());
            assertEquals(5, result.epochs().size());
            assertTrue(result.testAccuracy() > 0.5, result.run().id() + ": " + result.testAccuracy());
            try (var files = Files.list(run)) {
                assertFalse(files.anyMatch(f -> f.toString().endsWith(".partial")), "no half-written files are left");
            }
        }
        assertEquals(2e-3, first.stream().filter(r -> r.run().id().equals("SR_STE-2of4-lw0.002-seed1")).findFirst().orElseThrow().lambdaW());
        assertEquals(2e-4, first.stream().filter(r -> r.run().id().equals("SR_STE-2of4-seed1")).findFirst().orElseThrow().lambdaW(),
                "the trainer's own lambda_w, read from its provenance");

        List<RunResult> again = new java.util.ArrayList<>();
        String second = run(grid, directory, again);
        assertEquals(first, again, "a finished grid is read back, not run again");
        assertTrue(second.contains("8 of 8 runs were already finished"), second);
        assertFalse(second.contains("..."), second);

        // A run stopped before its result was written: its result is missing and a partial file lies about.
        Path stopped = directory.resolve("runs").resolve("SR_STE-2of4-seed2");
        Files.delete(stopped.resolve(ExperimentRunner.RESULT_FILE));
        Files.writeString(stopped.resolve(ExperimentRunner.RESULT_FILE + ".partial"), "{\"run\": {");
        List<RunResult> resumed = new java.util.ArrayList<>();
        String third = run(grid, directory, resumed);
        assertTrue(third.contains("[7/8] SR_STE-2of4-seed2 ..."), third);
        assertEquals(1, third.lines().filter(line -> line.endsWith("...")).count(), "only the unfinished run runs: " + third);
        assertTrue(third.contains("7 of 8 runs were already finished"), third);
        RunResult before = first.get(6);
        RunResult after = resumed.get(6);
        assertEquals(before.run(), after.run());
        assertEquals(before.epochs().stream().map(EpochRecord::withoutTime).toList(), after.epochs().stream().map(EpochRecord::withoutTime).toList(),
                "a seeded run is reproducible");
        assertEquals(before.testAccuracy(), after.testAccuracy());

        ResultTable table = new ResultTable(ExperimentRunner.readAll(directory));
        assertEquals(4, table.cells().size());
        assertEquals(2, table.cell(Method.SR_STE, "2:4").orElseThrow().runs().size());

        // The same directory with other trainer settings would mix results: refused.
        ConfigurationManager cm = new ConfigurationManager();
        CONFIGURATIONS.forEach(cm::addProperties);
        cm.overrideConfigurableProperty("digits-grid", "epochs", new SimpleProperty("3"));
        ExperimentGrid shorter = (ExperimentGrid) cm.lookup("digits-grid");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ExperimentRunner(shorter, CONFIGURATIONS, directory, new PrintStream(new ByteArrayOutputStream())).run());
        assertTrue(e.getMessage().contains("were made with other trainer settings or data"), e.getMessage());
    }

    @Test
    void aDivergingRunIsRecordedAsFailedAndTheGridGoesOn(@TempDir Path directory) throws IOException {
        ConfigurationManager cm = new ConfigurationManager();
        CONFIGURATIONS.forEach(cm::addProperties);
        ExperimentGrid grid = (ExperimentGrid) cm.lookup("diverging-grid");
        List<RunResult> results = new java.util.ArrayList<>();
        String progress = run(grid, directory, results);
        assertEquals(1, results.size());
        assertTrue(results.get(0).failure().contains("training diverged"), results.get(0).failure());
        assertTrue(Double.isNaN(results.get(0).testAccuracy()));
        assertTrue(progress.contains("DENSE-dense-seed1: FAILED (training diverged"), progress);
        assertTrue(new ResultTable(results).markdown().contains("| DENSE | dense |  | 1 (1 failed) | NaN ± 0.00 |"), new ResultTable(results).markdown());
        assertEquals(results, ExperimentRunner.readAll(directory), "the failure is kept like any result");
    }

    @Test
    void aDamagedResultFileIsNamedWithTheWayOut(@TempDir Path directory) throws IOException {
        Path run = directory.resolve("runs").resolve("DENSE-dense-seed1");
        Files.createDirectories(run);
        Files.writeString(run.resolve(ExperimentRunner.RESULT_FILE), "{\"run\": ");
        IOException e = assertThrows(IOException.class, () -> ExperimentRunner.readAll(directory));
        assertTrue(e.getMessage().contains("result.json is damaged") && e.getMessage().contains("delete it"), e.getMessage());
        IOException none = assertThrows(IOException.class, () -> ExperimentRunner.readAll(directory.resolve("nothing")));
        assertTrue(none.getMessage().contains("no experiment in"), none.getMessage());
    }
}

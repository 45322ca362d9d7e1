package io.github.nmsparse.experiment;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.config.property.ListProperty;
import com.oracle.labs.mlrg.olcut.config.property.SimpleProperty;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentGridTest {

    private static ConfigurationManager pluginGrids() {
        ConfigurationManager cm = new ConfigurationManager();
        cm.addProperties(ExperimentGridTest.class.getResource("/plugin-descriptor/nmsparse-trainers.xml"));
        cm.addProperties(ExperimentGridTest.class.getResource("/plugin-descriptor/nmsparse-experiments.xml"));
        return cm;
    }

    @Test
    void thePaperGridCoversEveryMethodPatternAndSeedPlusTheSweep() {
        ExperimentGrid grid = (ExperimentGrid) pluginGrids().lookup("paper-grid");
        List<RunSpec> runs = grid.runs();
        // Per seed: DENSE once, STE / SR_STE / ASP at 6 patterns, 3 sweep values.
        assertEquals(3 * (1 + 3 * 6 + 3), runs.size());
        assertEquals(runs.size(), new HashSet<>(runs.stream().map(RunSpec::id).toList()).size(), "run ids are unique");
        assertEquals(3, runs.stream().filter(r -> r.method().equals(Method.DENSE)).count());
        assertEquals(List.of("2:4", "4:8", "1:4", "2:8", "1:8", "1:16"), runs.stream()
                .filter(r -> r.method().equals(Method.ASP) && r.seed() == 1).map(RunSpec::pattern).toList());
        assertEquals(List.of(1L, 2L, 3L), runs.stream().map(RunSpec::seed).distinct().toList());
        assertEquals("mlp-sr-ste-2-4", grid.trainer());
        assertEquals(0, grid.epochs(), "the trainer's own 30 epochs");
        // Every seed's runs come before the next seed's, so a grid cut short still covers each cell once.
        assertEquals(runs.size() / 3, runs.indexOf(runs.stream().filter(r -> r.seed() == 2).findFirst().orElseThrow()));
    }

    @Test
    void theSmokeGridIsSmall() {
        ExperimentGrid grid = (ExperimentGrid) pluginGrids().lookup("smoke-grid");
        assertEquals(2 * (2 * 2 + 1), grid.runs().size());
        assertEquals(2, grid.epochs());
    }

    @Test
    void everyListedMethodWithALambdaWIsSweptAndEveryRunTriesEachLearningRate() {
        ConfigurationManager cm = pluginGrids();
        cm.overrideConfigurableProperty("smoke-grid", "methods", ListProperty.createFromStringList(List.of("STE", "SR_STE", "SR_STE_DECOUPLED")));
        cm.overrideConfigurableProperty("smoke-grid", "learningRates", ListProperty.createFromStringList(List.of("0.01", "0.1")));
        List<RunSpec> runs = ((ExperimentGrid) cm.lookup("smoke-grid")).runs();
        // Per seed and rate: three methods at two patterns, and the sweep's one value by SR_STE and SR_STE_DECOUPLED.
        assertEquals(2 * 2 * (3 * 2 + 2), runs.size());
        assertEquals(List.of(Method.SR_STE, Method.SR_STE_DECOUPLED), runs.stream().filter(r -> !Double.isNaN(r.lambdaW()))
                .map(RunSpec::method).distinct().toList());
        assertEquals(List.of(0.01, 0.1), runs.stream().map(RunSpec::learningRate).distinct().toList());
        assertEquals(runs.size(), new HashSet<>(runs.stream().map(RunSpec::id).toList()).size(), "run ids are unique");

        ConfigurationManager again = pluginGrids();
        again.overrideConfigurableProperty("smoke-grid", "methods", ListProperty.createFromStringList(List.of("STE", "SR_STE", "SR_STE_DECOUPLED")));
        again.overrideConfigurableProperty("smoke-grid", "learningRates", ListProperty.createFromStringList(List.of("0.01", "0.1")));
        again.overrideConfigurableProperty("smoke-grid", "methodSettings",
                com.oracle.labs.mlrg.olcut.config.property.MapProperty.createFromStringMap(java.util.Map.of("SR_STE_DECOUPLED.lambdaW", "0.002")));
        List<RunSpec> own = ((ExperimentGrid) again.lookup("smoke-grid")).runs();
        assertEquals(runs.size() - 2 * 2, own.size(), "a sweep value equal to the method's own lambda_w would repeat its own cell");
        assertTrue(own.stream().noneMatch(r -> r.method().equals(Method.SR_STE_DECOUPLED) && !Double.isNaN(r.lambdaW())));
    }

    @Test
    void aStudyWithTheWrongNumberOfLabelsIsRefused() {
        ConfigurationManager cm = pluginGrids();
        cm.overrideConfigurableProperty("paper-recipe-study", "labels", ListProperty.createFromStringList(List.of("one")));
        PropertyException e = assertThrows(PropertyException.class, () -> cm.lookup("paper-recipe-study"));
        assertTrue(e.getMessage().contains("1 labels for 4 grids"), e.getMessage());
    }

    /** Every trainer of every grid of the plugin's studies is built, as the study does before its first run. */
    @Test
    void theStudiesGridsBuildEveryTrainerTheyWillTrain(@org.junit.jupiter.api.io.TempDir java.nio.file.Path directory) throws Exception {
        ConfigurationManager cm = pluginGrids();
        List<java.net.URL> configurations = List.of(ExperimentGridTest.class.getResource("/plugin-descriptor/nmsparse-trainers.xml"),
                ExperimentGridTest.class.getResource("/plugin-descriptor/nmsparse-experiments.xml"));
        for (String name : List.of("paper-recipe-study", "smoke-study")) {
            ExperimentStudy study = (ExperimentStudy) cm.lookup(name);
            for (String gridName : study.grids()) {
                ExperimentGrid grid = (ExperimentGrid) cm.lookup(gridName);
                new ExperimentRunner(grid, configurations, directory.resolve(gridName), System.out).check();
                assertTrue(java.nio.file.Files.readString(directory.resolve(gridName).resolve(ExperimentRunner.SETTINGS_FILE))
                        .startsWith("trainer " + grid.trainer() + ": "), gridName);
            }
        }
    }

    @Test
    void runIdsAreSafeFileNames() {
        assertEquals("SR_STE-2of4-lw0.002-seed3", new RunSpec(Method.SR_STE, "2:4", 2e-3, Double.NaN, 3).id());
        assertEquals("DENSE-dense-seed1", new RunSpec(Method.DENSE, "dense", Double.NaN, Double.NaN, 1).id());
        assertEquals("SR_STE 2:4 lambda_w=0.00002", new RunSpec(Method.SR_STE, "2:4", 2e-5, Double.NaN, 1).cell());
        assertEquals("SR_STE-2of4-lr0.05-seed1", new RunSpec(Method.SR_STE, "2:4", Double.NaN, 0.05, 1).id());
        assertEquals("SR_STE 2:4 lr=0.05", new RunSpec(Method.SR_STE, "2:4", Double.NaN, 0.05, 1).cell());
    }

    @Test
    void badSettingsNameTheProblem() {
        assertTrue(message("patterns", ListProperty.createFromStringList(List.of("2:4", "5:4"))).contains("patterns holds a bad pattern"));
        assertTrue(message("methods", ListProperty.createFromStringList(List.of("SR-STE"))).contains("methods: 'SR-STE' is not a training method; the methods are DENSE, STE, SR_STE, SR_STE_DECOUPLED, ASP"));
        assertTrue(message("seeds", new SimpleProperty("0")).contains("seeds must be at least 1"));
        assertTrue(message("lambdaSweep", ListProperty.createFromStringList(List.of("-1"))).contains("lambdaSweep must hold finite numbers >= 0"));
        assertTrue(message("learningRates", ListProperty.createFromStringList(List.of("0.1", "0"))).contains("learningRates must hold finite numbers > 0"));
        assertTrue(message("validation", new SimpleProperty("1")).contains("validation must be in [0, 1), got 1.0"));
        assertTrue(message("methodSettings", com.oracle.labs.mlrg.olcut.config.property.MapProperty.createFromStringMap(java.util.Map.of("STE.lambdaW", "1")))
                .contains("STE has no setting 'lambdaW'"));
        assertTrue(message("methodSettings", com.oracle.labs.mlrg.olcut.config.property.MapProperty.createFromStringMap(java.util.Map.of("lambdaW", "1")))
                .contains("keys must read METHOD.setting"));
    }

    private static String message(String field, com.oracle.labs.mlrg.olcut.config.property.Property value) {
        ConfigurationManager cm = pluginGrids();
        cm.overrideConfigurableProperty("paper-grid", field, value);
        PropertyException e = assertThrows(PropertyException.class, () -> cm.lookup("paper-grid"));
        return e.getMessage();
    }
}

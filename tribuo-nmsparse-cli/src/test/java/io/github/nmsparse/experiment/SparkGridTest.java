package io.github.nmsparse.experiment;

import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.spark.SparkJob;
import io.github.nmsparse.tribuo.NMSparseModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Dataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An experiment grid run as Spark tasks on local[2]: the same runs as the local runner, and safe to retry. */
class SparkGridTest {

    private static final Map<String, String> QUIET = Map.of("spark.ui.enabled", "false");

    @Test
    void eachRunOnSparkIsBitForBitTheLocalRunAndAResumeSkipsThem(@TempDir Path directory) throws IOException {
        ExperimentGrid grid = ExperimentRunnerTest.digitsGrid(1);
        List<RunResult> local = new ExperimentRunner(grid, ExperimentRunnerTest.CONFIGURATIONS, directory.resolve("local"), silent()).run();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Path sparkDirectory = directory.resolve("spark");
        List<RunResult> onSpark;
        try (SparkJob spark = SparkJob.start("local[2]", "grid test", QUIET)) {
            onSpark = new ExperimentRunner(grid, ExperimentRunnerTest.CONFIGURATIONS, sparkDirectory,
                    new PrintStream(progress, true, StandardCharsets.UTF_8)).run(spark);
        }
        String printed = progress.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("4 runs as Spark tasks, 2 at a time"), printed);
        assertTrue(printed.contains("[4/4] SR_STE-2of4-lw0.002-seed1: test accuracy"), printed);
        assertEquals(4, onSpark.size());
        for (int i = 0; i < local.size(); i++) {
            assertEquals(withoutTimes(local.get(i)), withoutTimes(onSpark.get(i)), "run " + local.get(i).run().id());
            assertSamePredictions(directory.resolve("local"), sparkDirectory, local.get(i).run());
        }

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        try (SparkJob spark = SparkJob.start("local[2]", "grid test", QUIET)) {
            assertEquals(onSpark, new ExperimentRunner(grid, ExperimentRunnerTest.CONFIGURATIONS, sparkDirectory,
                    new PrintStream(again, true, StandardCharsets.UTF_8)).run(spark));
        }
        assertTrue(again.toString(StandardCharsets.UTF_8).contains("4 of 4 runs were already finished"), again.toString(StandardCharsets.UTF_8));
        assertFalse(again.toString(StandardCharsets.UTF_8).contains("Spark tasks"), "nothing left to run");
    }

    @Test
    void aTaskThatFailsMidWriteIsRetriedBySparkAndLeavesAWholeRun(@TempDir Path directory) throws IOException {
        ExperimentGrid grid = ExperimentRunnerTest.digitsGrid(1);
        ExperimentRunner runner = new ExperimentRunner(grid, ExperimentRunnerTest.CONFIGURATIONS, directory.resolve("spark"), silent());
        GridRun.Setting setting = runner.setting();
        List<GridRun> runs = grid.runs().stream().map(run -> new GridRun(setting, run)).toList();
        RunSpec victim = runs.get(2).run();
        String marker = directory.resolve("failed-once").toString();
        // local[2,2]: two attempts per task. The first attempt of one run leaves half-written files and fails, as a
        // killed executor would.
        try (SparkJob spark = SparkJob.start("local[2,2]", "grid test", QUIET)) {
            List<String> ids = spark.runEach(runs, run -> {
                if (run.run().equals(victim) && !Files.exists(Path.of(marker))) {
                    Files.createFile(Path.of(marker));
                    Path runDirectory = setting.runDirectory(run.run());
                    Files.createDirectories(runDirectory);
                    Files.writeString(runDirectory.resolve("model.nmsparse.partial"), "half a model");
                    Files.writeString(runDirectory.resolve(ExperimentRunner.RESULT_FILE + ".partial"), "{\"run\": {");
                    throw new IOException("executor lost mid-write");
                }
                return GridRun.executeForId(run);
            });
            assertEquals(runs.stream().map(run -> run.run().id()).toList(), ids);
        }
        assertTrue(Files.exists(Path.of(marker)), "the run did fail once");
        Path victimDirectory = setting.runDirectory(victim);
        try (var files = Files.list(victimDirectory)) {
            assertEquals(List.of("model.nmsparse", "provenance.json", ExperimentRunner.RESULT_FILE),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), "the retry replaced the half-written files");
        }
        RunResult retried = ExperimentRunner.read(victimDirectory.resolve(ExperimentRunner.RESULT_FILE));
        RunResult fresh = new GridRun(setting, victim).execute();
        assertEquals(withoutTimes(fresh), withoutTimes(retried));
        NMSparseModel.load(victimDirectory.resolve("model.nmsparse"));
    }

    private static PrintStream silent() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    /**
     * @return the result without its wall-clock times, which differ between identical runs, and without the model
     *         file's size, which holds a time in its provenance (the models' predictions are compared instead)
     */
    private static RunResult withoutTimes(RunResult result) {
        List<EpochRecord> epochs = result.epochs().stream().map(e -> new EpochRecord(e.epoch(), e.loss(), e.accuracy(), e.validationLoss(),
                e.validationAccuracy(), e.learningRate(), e.sad(), e.sadFraction(), e.sadToInitial(), e.sadToFinal(), e.flips(),
                e.layerSad(), e.layerSadToInitial(), e.layerSadToFinal(), e.layerFlips(), 0)).toList();
        return new RunResult(result.run(), result.lambdaW(), result.density(), result.testAccuracy(), result.finalLoss(),
                result.finalSadFraction(), result.meanFlipsPerEpoch(), 0, 0, epochs, result.failure());
    }

    private static void assertSamePredictions(Path first, Path second, RunSpec run) throws IOException {
        @SuppressWarnings("unchecked")
        NMSparseModel<Label> a = (NMSparseModel<Label>) NMSparseModel.load(first.resolve("runs").resolve(run.id()).resolve("model.nmsparse"));
        @SuppressWarnings("unchecked")
        NMSparseModel<Label> b = (NMSparseModel<Label>) NMSparseModel.load(second.resolve("runs").resolve(run.id()).resolve("model.nmsparse"));
        Dataset<Label> test = new DataFiles<>(new LabelFactory(), "digit").load(Path.of("datasets/digits/digits-test.csv"));
        List<Prediction<Label>> pa = a.predict(test);
        List<Prediction<Label>> pb = b.predict(test);
        for (int i = 0; i < pa.size(); i++) {
            assertEquals(pa.get(i).getOutputScores(), pb.get(i).getOutputScores(), run.id() + ", example " + i);
        }
    }
}

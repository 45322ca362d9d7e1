package io.github.nmsparse.experiment;

import io.github.nmsparse.spark.SparkJob;
import io.github.nmsparse.tribuo.NMSparseTrainer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs an {@link ExperimentGrid} into a directory, in this JVM one run at a time, or as Spark tasks ({@link
 * #run(SparkJob)}): {@code runs/RUN_ID/} holds each run's {@code result.json}, {@code provenance.json} (the model's
 * provenance in OLCUT's JSON format) and {@code model.nmsparse}. A run whose result file exists is not run again, so a
 * grid stopped at any point resumes where it stopped; files are written to a temporary name and moved into place, so a
 * stop mid-write leaves no half file. Both ways run each run as the same {@link GridRun}, so a run's result does not
 * depend on where it ran.
 */
public final class ExperimentRunner {

    /** The file that marks a run as finished. */
    public static final String RESULT_FILE = "result.json";

    private final ExperimentGrid grid;
    private final GridRun.Setting setting;
    private final Path directory;
    private final PrintStream progress;

    /**
     * @param grid           the grid to run
     * @param configurations the OLCUT configurations that define the grid's trainer component
     * @param directory      where the runs go
     * @param progress       where progress lines go
     */
    public ExperimentRunner(ExperimentGrid grid, List<URL> configurations, Path directory, PrintStream progress) {
        this.grid = grid;
        this.setting = new GridRun.Setting(configurations, grid.trainer(), grid.epochs(), grid.train(), grid.test(),
                grid.response(), grid.validation(), grid.validationSeed(), grid.methodSettings(), directory.toString());
        this.directory = directory;
        this.progress = progress;
    }

    /**
     * Runs every run of the grid that has no result yet, one after another in this JVM.
     *
     * @return the results of every run of the grid, earlier ones included, in the grid's order
     * @throws IOException when data or results cannot be read or written
     */
    public List<RunResult> run() throws IOException {
        check();
        List<RunSpec> runs = grid.runs();
        List<RunResult> results = new ArrayList<>();
        int skipped = 0;
        double secondsThisSession = 0;
        int doneThisSession = 0;
        for (int i = 0; i < runs.size(); i++) {
            RunSpec run = runs.get(i);
            if (finished(run)) {
                results.add(read(resultFile(run)));
                skipped++;
                continue;
            }
            progress.printf(Locale.ROOT, "[%d/%d] %s ...%n", i + 1, runs.size(), run.id());
            long start = System.nanoTime();
            RunResult result = new GridRun(setting, run).execute();
            results.add(result);
            secondsThisSession += (System.nanoTime() - start) / 1e9;
            doneThisSession++;
            double eta = (runs.size() - i - 1) * secondsThisSession / doneThisSession;
            progress.printf(Locale.ROOT, "[%d/%d] %s: %s; %d done (%d from before), about %s left%n",
                    i + 1, runs.size(), run.id(), outcome(result), i + 1, skipped, duration(eta));
        }
        reportSkipped(skipped, runs.size());
        return results;
    }

    /**
     * Runs every run of the grid that has no result yet as one Spark task each, then reads every result back from
     * the run directories. The data files and this directory must be at the same paths on every executor (a shared
     * file system; on {@code local[N]} they are). Spark retries a failed task from the start, which a run allows.
     *
     * @param spark the Spark job to run in
     * @return the results of every run of the grid, earlier ones included, in the grid's order
     * @throws IOException           when data or results cannot be read or written
     * @throws IllegalStateException when a run failed on every attempt Spark gave it
     */
    public List<RunResult> run(SparkJob spark) throws IOException {
        check();
        List<RunSpec> runs = grid.runs();
        List<GridRun> pending = runs.stream().filter(run -> !finished(run)).map(run -> new GridRun(setting, run)).toList();
        int skipped = runs.size() - pending.size();
        Set<String> ranNow = Set.of();
        if (!pending.isEmpty()) {
            progress.printf(Locale.ROOT, "%d runs as Spark tasks, %d at a time ...%n", pending.size(), spark.parallelism());
            ranNow = Set.copyOf(spark.runEach(pending, GridRun::executeForId));
        }
        List<RunResult> results = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunSpec run = runs.get(i);
            RunResult result = read(resultFile(run));
            results.add(result);
            if (ranNow.contains(run.id())) {
                progress.printf(Locale.ROOT, "[%d/%d] %s: %s%n", i + 1, runs.size(), run.id(), outcome(result));
            }
        }
        reportSkipped(skipped, runs.size());
        return results;
    }

    /** @return what the grid's runs share */
    GridRun.Setting setting() {
        return setting;
    }

    private boolean finished(RunSpec run) {
        return Files.isRegularFile(resultFile(run));
    }

    private Path resultFile(RunSpec run) {
        return setting.runDirectory(run).resolve(RESULT_FILE);
    }

    private String outcome(RunResult result) {
        String measured = result.failure() != null ? "FAILED (" + result.failure() + ")"
                : String.format(Locale.ROOT, "%s accuracy %.2f%%, final SAD %.4f%%", grid.validation() == 0 ? "test" : "validation",
                100 * result.testAccuracy(), 100 * result.finalSadFraction());
        return String.format(Locale.ROOT, "%s, %.1f s", measured, result.trainSeconds());
    }

    private void reportSkipped(int skipped, int total) {
        if (skipped > 0) {
            progress.printf(Locale.ROOT, "%d of %d runs were already finished in %s and were not run again.%n", skipped, total, directory);
        }
    }

    /**
     * Builds the trainer of every cell of the grid, without training, and checks the directory's settings: a bad
     * setting (a method's, a learning rate, a trainer component) is refused before any run trains, not after hours.
     *
     * @throws IOException when the directory's settings file cannot be read or written
     * @throws com.oracle.labs.mlrg.olcut.config.PropertyException naming a setting that is not valid
     */
    public void check() throws IOException {
        NMSparseTrainer<?> base = setting.baseTrainer();
        Set<String> cells = new java.util.HashSet<>();
        for (RunSpec run : grid.runs()) {
            if (cells.add(run.cell())) {
                new GridRun(setting, run).trainer(base);
            }
        }
        requireSameSettings(base);
    }

    /** The file that records what every run of the directory shares: the trainer's settings and the data. */
    public static final String SETTINGS_FILE = "experiment-settings.txt";

    /**
     * Refuses to add runs to a directory whose earlier runs were made with other trainer settings or data: finished
     * runs are reused by id alone (method, pattern, lambda_w, learning rate, seed), so mixing settings would mix results.
     */
    private void requireSameSettings(NMSparseTrainer<?> base) throws IOException {
        String settings = "trainer " + grid.trainer() + ": " + new java.util.TreeMap<>(base.getProvenance().getConfiguredParameters())
                + "\ntrain " + grid.train() + "\n" + grid.evaluatedOn() + "\nresponse " + grid.response() + "\n"
                + (grid.methodSettings().isEmpty() ? "" : "method settings " + grid.methodSettings() + "\n");
        Path file = directory.resolve(SETTINGS_FILE);
        if (Files.isRegularFile(file)) {
            if (!Files.readString(file, StandardCharsets.UTF_8).equals(settings)) {
                throw new IllegalArgumentException("the runs in " + directory + " were made with other trainer settings or data (see "
                        + file + "); use another output directory, or delete that one to start over");
            }
        } else {
            Files.createDirectories(directory);
            ResultFiles.writeAtomically(file, settings);
        }
    }

    /** @return the trainer every run starts from: the grid's component with the grid's epochs, before each run's settings */
    public NMSparseTrainer<?> baseTrainer() {
        return setting.baseTrainer();
    }

    /**
     * Reads a run's result file.
     *
     * @param file a result.json written by this runner
     * @return the result
     * @throws IOException when the file cannot be read or is not a result
     */
    public static RunResult read(Path file) throws IOException {
        try {
            return ResultFiles.JSON.readValue(file.toFile(), RunResult.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException("the result file " + file + " is damaged (" + e.getOriginalMessage()
                    + "); delete it to run that run again", e);
        }
    }

    /**
     * Reads every finished run of an experiment directory.
     *
     * @param directory an experiment directory
     * @return the results, ordered by run id
     * @throws IOException when a result cannot be read
     */
    public static List<RunResult> readAll(Path directory) throws IOException {
        Path runs = directory.resolve("runs");
        if (!Files.isDirectory(runs)) {
            throw new IOException("no experiment in " + directory.toAbsolutePath() + ": it has no runs/ directory");
        }
        List<RunResult> results = new ArrayList<>();
        try (var children = Files.list(runs)) {
            for (Path run : children.sorted().toList()) {
                Path result = run.resolve(RESULT_FILE);
                if (Files.isRegularFile(result)) {
                    results.add(read(result));
                }
            }
        }
        return results;
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}

package io.github.nmsparse.experiment;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.json.JsonProvenanceSerialization;
import com.oracle.labs.mlrg.olcut.config.property.SimpleProperty;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.engine.TrainingDivergedException;
import io.github.nmsparse.tribuo.NMSparseModel;
import io.github.nmsparse.tribuo.NMSparseTrainer;
import org.tribuo.Dataset;
import org.tribuo.Output;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.evaluation.Evaluation;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs an {@link ExperimentGrid}, one run at a time, into a directory: {@code runs/RUN_ID/} holds each run's
 * {@code result.json}, {@code provenance.json} (the model's provenance in OLCUT's JSON format) and {@code
 * model.nmsparse}. A run whose result file exists is not run again, so a grid stopped at any point resumes where
 * it stopped; files are written to a temporary name and moved into place, so a stop mid-write leaves no half file.
 */
public final class ExperimentRunner {

    /** The file that marks a run as finished. */
    public static final String RESULT_FILE = "result.json";

    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(SerializationFeature.INDENT_OUTPUT).addModule(EpochRecordJson.module()).build();

    private final ExperimentGrid grid;
    private final List<URL> configurations;
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
        this.configurations = List.copyOf(configurations);
        this.directory = directory;
        this.progress = progress;
    }

    /**
     * Runs every run of the grid that has no result yet.
     *
     * @return the results of every run of the grid, earlier ones included, in the grid's order
     * @throws IOException when data or results cannot be read or written
     */
    public List<RunResult> run() throws IOException {
        NMSparseTrainer<?> base = baseTrainer();
        requireSameSettings(base);
        return runTyped(base, grid.runs());
    }

    private <T extends Output<T>> List<RunResult> runTyped(NMSparseTrainer<T> base, List<RunSpec> runs) throws IOException {
        DataFiles<T> files = new DataFiles<>(base.outputFactory(), grid.response());
        Dataset<T> train = files.load(Path.of(grid.train()));
        Dataset<T> test = files.load(Path.of(grid.test()));
        List<RunResult> results = new ArrayList<>();
        int skipped = 0;
        double secondsThisSession = 0;
        int doneThisSession = 0;
        for (int i = 0; i < runs.size(); i++) {
            RunSpec run = runs.get(i);
            Path runDirectory = directory.resolve("runs").resolve(run.id());
            Path resultFile = runDirectory.resolve(RESULT_FILE);
            if (Files.isRegularFile(resultFile)) {
                results.add(read(resultFile));
                skipped++;
                continue;
            }
            progress.printf(Locale.ROOT, "[%d/%d] %s ...%n", i + 1, runs.size(), run.id());
            long start = System.nanoTime();
            @SuppressWarnings("unchecked")
            NMSparseTrainer<T> trainer = (NMSparseTrainer<T>) trainer(base, run);
            RunResult result = trainAndMeasure(run, trainer, train, test, runDirectory);
            results.add(result);
            secondsThisSession += (System.nanoTime() - start) / 1e9;
            doneThisSession++;
            int left = runs.size() - i - 1;
            double eta = left * secondsThisSession / doneThisSession;
            String outcome = result.failure() != null ? "FAILED (" + result.failure() + ")"
                    : String.format(Locale.ROOT, "test accuracy %.2f%%, final SAD %.4f%%", 100 * result.testAccuracy(), 100 * result.finalSadFraction());
            progress.printf(Locale.ROOT, "[%d/%d] %s: %s, %.1f s; %d done (%d from before), about %s left%n",
                    i + 1, runs.size(), run.id(), outcome, result.trainSeconds(), i + 1, skipped, duration(eta));
        }
        if (skipped > 0) {
            progress.printf(Locale.ROOT, "%d of %d runs were already finished in %s and were not run again.%n", skipped, runs.size(), directory);
        }
        return results;
    }

    private <T extends Output<T>> RunResult trainAndMeasure(RunSpec run, NMSparseTrainer<T> trainer, Dataset<T> train,
                                                            Dataset<T> test, Path runDirectory) throws IOException {
        long start = System.nanoTime();
        NMSparseModel<T> model;
        try {
            model = trainer.train(train);
        } catch (TrainingDivergedException e) {
            // One diverging setting (a large lambda_w, say) is a result to report, not a reason to stop the grid.
            RunResult failed = RunResult.failed(run, density(run), (System.nanoTime() - start) / 1e9, e.getMessage());
            Files.createDirectories(runDirectory);
            writeAtomically(runDirectory.resolve(RESULT_FILE), JSON.writeValueAsString(failed));
            return failed;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation<T> evaluation = trainer.outputFactory().getEvaluator().evaluate(model, test);
        double accuracy = evaluation instanceof LabelEvaluation label ? label.accuracy() : Double.NaN;
        Files.createDirectories(runDirectory);
        Path modelFile = runDirectory.resolve("model.nmsparse");
        Path partialModel = runDirectory.resolve("model.nmsparse.partial");
        model.serializeToFile(partialModel);
        Files.move(partialModel, modelFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        writeAtomically(runDirectory.resolve("provenance.json"),
                new JsonProvenanceSerialization(true).marshalAndSerialize(model.getProvenance()));
        List<EpochRecord> history = model.history();
        EpochRecord last = history.get(history.size() - 1);
        double meanFlips = history.stream().mapToLong(EpochRecord::flips).average().orElse(0);
        RunResult result = new RunResult(run, lambdaW(trainer), density(run), accuracy, last.loss(), last.sadFraction(), meanFlips,
                Files.size(modelFile), seconds, history, null);
        writeAtomically(runDirectory.resolve(RESULT_FILE), JSON.writeValueAsString(result));
        return result;
    }

    /** The file that records what every run of the directory shares: the trainer's settings and the data. */
    public static final String SETTINGS_FILE = "experiment-settings.txt";

    /**
     * Refuses to add runs to a directory whose earlier runs were made with other trainer settings or data: finished
     * runs are reused by id alone (method, pattern, lambda_w, seed), so mixing settings would mix results.
     */
    private void requireSameSettings(NMSparseTrainer<?> base) throws IOException {
        String settings = "trainer " + grid.trainer() + ": " + new java.util.TreeMap<>(base.getProvenance().getConfiguredParameters())
                + "\ntrain " + grid.train() + "\ntest " + grid.test() + "\nresponse " + grid.response() + "\n";
        Path file = directory.resolve(SETTINGS_FILE);
        if (Files.isRegularFile(file)) {
            if (!Files.readString(file, StandardCharsets.UTF_8).equals(settings)) {
                throw new IllegalArgumentException("the runs in " + directory + " were made with other trainer settings or data (see "
                        + file + "); use another output directory, or delete that one to start over");
            }
        } else {
            Files.createDirectories(directory);
            writeAtomically(file, settings);
        }
    }

    /** @return the lambda_w the trainer's method trained with, read from its provenance; NaN when the method has none */
    private static double lambdaW(NMSparseTrainer<?> trainer) {
        Provenance method = trainer.getProvenance().getConfiguredParameters().get("method");
        if (method instanceof ConfiguredObjectProvenance settings
                && settings.getConfiguredParameters().get("lambdaW") instanceof PrimitiveProvenance<?> value) {
            return ((Number) value.getValue()).doubleValue();
        }
        return Double.NaN;
    }

    private static double density(RunSpec run) {
        if (!run.method().masksLayers()) {
            return 1.0;
        }
        NMPattern pattern = NMPattern.parse(run.pattern());
        return (double) pattern.n() / pattern.m();
    }

    /** @return the trainer every run starts from: the grid's component with the grid's epochs, before each run's settings */
    public NMSparseTrainer<?> baseTrainer() {
        ConfigurationManager cm = new ConfigurationManager();
        configurations.forEach(cm::addProperties);
        String name = grid.trainer();
        if (!cm.containsConfigurable(name)) {
            throw new IllegalArgumentException("no trainer component named '" + name + "' in " + configurations);
        }
        if (grid.epochs() > 0) {
            cm.overrideConfigurableProperty(name, "epochs", new SimpleProperty(Integer.toString(grid.epochs())));
        }
        Object trainer = cm.lookup(name);
        if (!(trainer instanceof NMSparseTrainer<?> nmTrainer)) {
            throw new IllegalArgumentException("component '" + name + "' is a " + trainer.getClass().getName() + ", not an NMSparseTrainer");
        }
        return nmTrainer;
    }

    /**
     * @return the run's trainer: the base trainer with the run's method (the base's own when it is of that type, its
     *         settings kept), pattern, seed and, for a sweep run, lambda_w
     */
    private static NMSparseTrainer<?> trainer(NMSparseTrainer<?> base, RunSpec run) {
        TrainerSettings settings = TrainerSettings.of(base).component("method", run.method().type()).set("seed", Long.toString(run.seed()));
        if (run.method().masksLayers()) {
            settings.set("pattern", run.pattern());
        }
        if (!Double.isNaN(run.lambdaW())) {
            settings.componentSetting("method", "lambdaW", Double.toString(run.lambdaW()));
        }
        return settings.build();
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
            return JSON.readValue(file.toFile(), RunResult.class);
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

    private static void writeAtomically(Path file, String text) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, text, StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}

package io.github.nmsparse.experiment;

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
import org.tribuo.dataset.DatasetView;
import org.tribuo.evaluation.Evaluation;

import java.io.IOException;
import java.io.Serializable;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * One run of a grid, complete in itself: it builds its trainer from the grid's configurations, loads the data, trains,
 * tests, and writes its files into its run directory. It is serializable and depends on nothing of the process that
 * made it, so the same run trains in this JVM or as a Spark task on any executor that sees the same files.
 *
 * <p>Its files are written under temporary names and moved into place, {@code result.json} last, so a run that fails
 * at any point, and is then run again from the start (by a restart, or by Spark retrying its task), leaves no half
 * file and is finished only once its result exists.
 *
 * @param setting what every run of the grid shares
 * @param run     this run's method, pattern, lambda_w, learning rate and seed
 */
record GridRun(Setting setting, RunSpec run) implements Serializable {

    /**
     * What the runs of a grid share.
     *
     * @param configurations the OLCUT configurations that define the grid's trainer component
     * @param trainer        the name of that component
     * @param epochs         the epochs of every run, 0 for the component's own
     * @param train          the training data file
     * @param test           the test data file
     * @param response       CSV only: the response column, or null
     * @param validation     the share of the training data held out to evaluate on in place of the test data, or 0
     * @param validationSeed the seed that picks the held-out rows
     * @param methodSettings settings of the methods' components, by method name, then by setting
     * @param directory      the experiment directory, as a path string
     */
    record Setting(List<URL> configurations, String trainer, int epochs, String train, String test, String response,
                   double validation, long validationSeed, Map<String, Map<String, String>> methodSettings, String directory)
            implements Serializable {

        /** Copies the collections, into serializable ones. */
        Setting {
            configurations = List.copyOf(configurations);
            methodSettings = new java.util.TreeMap<>(methodSettings);
        }

        /** @return the trainer every run starts from: the component with the grid's epochs, before each run's settings */
        NMSparseTrainer<?> baseTrainer() {
            ConfigurationManager cm = new ConfigurationManager();
            configurations.forEach(cm::addProperties);
            if (!cm.containsConfigurable(trainer)) {
                throw new IllegalArgumentException("no trainer component named '" + trainer + "' in " + configurations);
            }
            if (epochs > 0) {
                cm.overrideConfigurableProperty(trainer, "epochs", new SimpleProperty(Integer.toString(epochs)));
            }
            Object component = cm.lookup(trainer);
            if (!(component instanceof NMSparseTrainer<?> nmTrainer)) {
                throw new IllegalArgumentException("component '" + trainer + "' is a " + component.getClass().getName() + ", not an NMSparseTrainer");
            }
            return nmTrainer;
        }

        /** @return the directory of one run */
        Path runDirectory(RunSpec run) {
            return Path.of(directory).resolve("runs").resolve(run.id());
        }
    }

    /**
     * Trains and tests the run and writes its files.
     *
     * @return its result, also written to its result file
     * @throws IOException when data cannot be read or files cannot be written
     */
    RunResult execute() throws IOException {
        return executeTyped(setting.baseTrainer());
    }

    /**
     * For Spark: runs {@link #execute} and hands back only the run's id, the driver reading the result from its file.
     *
     * @param run the run
     * @return its id
     * @throws IOException as {@link #execute}
     */
    static String executeForId(GridRun run) throws IOException {
        run.execute();
        return run.run().id();
    }

    private <T extends Output<T>> RunResult executeTyped(NMSparseTrainer<T> base) throws IOException {
        @SuppressWarnings("unchecked")
        NMSparseTrainer<T> trainer = (NMSparseTrainer<T>) trainer(base);
        LoadedData<T> data = LoadedData.of(setting, trainer.outputFactory());
        Path runDirectory = setting.runDirectory(run);
        long start = System.nanoTime();
        NMSparseModel<T> model;
        try {
            model = trainer.train(data.train());
        } catch (TrainingDivergedException e) {
            // One diverging setting (a large lambda_w, say) is a result to report, not a reason to stop the grid.
            RunResult failed = RunResult.failed(run, density(), (System.nanoTime() - start) / 1e9, e.getMessage());
            Files.createDirectories(runDirectory);
            ResultFiles.writeAtomically(runDirectory.resolve(ExperimentRunner.RESULT_FILE), ResultFiles.JSON.writeValueAsString(failed));
            return failed;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation<T> evaluation = trainer.outputFactory().getEvaluator().evaluate(model, data.test());
        double accuracy = evaluation instanceof LabelEvaluation label ? label.accuracy() : Double.NaN;
        Files.createDirectories(runDirectory);
        Path modelFile = runDirectory.resolve("model.nmsparse");
        Path partialModel = runDirectory.resolve("model.nmsparse.partial");
        model.serializeToFile(partialModel);
        Files.move(partialModel, modelFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        ResultFiles.writeAtomically(runDirectory.resolve("provenance.json"),
                new JsonProvenanceSerialization(true).marshalAndSerialize(model.getProvenance()));
        List<EpochRecord> history = model.history();
        EpochRecord last = history.get(history.size() - 1);
        double meanFlips = history.stream().mapToLong(EpochRecord::flips).average().orElse(0);
        RunResult result = new RunResult(run, lambdaW(trainer), density(), accuracy, last.loss(), last.sadFraction(), meanFlips,
                Files.size(modelFile), seconds, history, null);
        ResultFiles.writeAtomically(runDirectory.resolve(ExperimentRunner.RESULT_FILE), ResultFiles.JSON.writeValueAsString(result));
        return result;
    }

    /**
     * @param base the grid's base trainer
     * @return the run's trainer: the base trainer with the run's method (the base's own when it is of that type, its
     *         settings kept), the grid's settings of that method, pattern, seed and, for a sweep run, lambda_w, and the
     *         run's learning rate
     * @throws com.oracle.labs.mlrg.olcut.config.PropertyException naming a setting that is not valid
     */
    NMSparseTrainer<?> trainer(NMSparseTrainer<?> base) {
        TrainerSettings settings = TrainerSettings.of(base).component("method", run.method().type()).set("seed", Long.toString(run.seed()));
        if (run.method().masksLayers()) {
            settings.set("pattern", run.pattern());
        }
        setting.methodSettings().getOrDefault(run.method().name(), Map.of())
                .forEach((name, value) -> settings.componentSetting("method", name, value));
        if (!Double.isNaN(run.lambdaW())) {
            settings.componentSetting("method", "lambdaW", Double.toString(run.lambdaW()));
        }
        if (!Double.isNaN(run.learningRate())) {
            settings.set("learningRate", Double.toString(run.learningRate()));
        }
        return settings.build();
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

    private double density() {
        if (!run.method().masksLayers()) {
            return 1.0;
        }
        NMPattern pattern = NMPattern.parse(run.pattern());
        return (double) pattern.n() / pattern.m();
    }

    /**
     * The grid's data sets, loaded once per JVM and shared by the runs that train there, one after another or at once
     * (training only reads them). With a validation share, the data to evaluate on is that share of the training file,
     * the same rows for every run, and the training data is the rest; the test file is not read.
     */
    private record LoadedData<T extends Output<T>>(Object key, Dataset<T> train, Dataset<T> test) {

        private static LoadedData<?> last;

        @SuppressWarnings("unchecked")
        static synchronized <T extends Output<T>> LoadedData<T> of(Setting setting, org.tribuo.OutputFactory<T> factory) throws IOException {
            List<Object> key = java.util.Arrays.asList(setting.train(), setting.test(), setting.response(), setting.validation(),
                    setting.validationSeed(), factory.getClass());
            if (last == null || !last.key().equals(key)) {
                DataFiles<T> files = new DataFiles<>(factory, setting.response());
                Dataset<T> train = files.load(Path.of(setting.train()));
                if (setting.validation() > 0) {
                    last = heldOut(key, train, setting.validation(), setting.validationSeed());
                } else {
                    last = new LoadedData<>(key, train, files.load(Path.of(setting.test())));
                }
            }
            return (LoadedData<T>) last;
        }

        /** Splits by a seeded shuffle of the rows; the views keep the whole file's feature and output maps. */
        private static <T extends Output<T>> LoadedData<T> heldOut(Object key, Dataset<T> data, double share, long seed) {
            int[] rows = java.util.stream.IntStream.range(0, data.size()).toArray();
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            for (int i = rows.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = rows[i];
                rows[i] = rows[j];
                rows[j] = swap;
            }
            int held = (int) Math.round(share * rows.length);
            if (held < 1 || held >= rows.length) {
                throw new IllegalArgumentException("a validation share of " + share + " of " + rows.length + " rows holds out " + held
                        + " rows; it must leave at least one row on each side");
            }
            int[] validation = java.util.Arrays.copyOf(rows, held);
            int[] training = java.util.Arrays.copyOfRange(rows, held, rows.length);
            java.util.Arrays.sort(validation);
            java.util.Arrays.sort(training);
            return new LoadedData<>(key, new DatasetView<>(data, training, "training rows, validation share " + share + " held out"),
                    new DatasetView<>(data, validation, "validation share " + share + ", seed " + seed));
        }
    }
}

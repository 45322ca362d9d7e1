package io.github.nmsparse.cli;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.Option;
import com.oracle.labs.mlrg.olcut.config.Options;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.config.UsageException;
import com.oracle.labs.mlrg.olcut.config.property.ListProperty;
import com.oracle.labs.mlrg.olcut.config.property.Property;
import com.oracle.labs.mlrg.olcut.config.property.SimpleProperty;
import io.github.nmsparse.engine.CheckpointPolicy;
import io.github.nmsparse.engine.optimizer.AdamW;
import io.github.nmsparse.engine.optimizer.Optimizer;
import io.github.nmsparse.engine.optimizer.Sgd;
import io.github.nmsparse.experiment.DataFiles;
import io.github.nmsparse.experiment.Method;
import io.github.nmsparse.experiment.TrainerSettings;
import io.github.nmsparse.spark.SparkNMSparseTrainer;
import io.github.nmsparse.tribuo.NMSparseModel;
import io.github.nmsparse.tribuo.NMSparseTrainer;
import io.github.nmsparse.tribuo.SparsityProvenance;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Trains an N:M-sparse MLP and evaluates it, in the style of Tribuo's TrainTest. With no arguments it trains the
 * plugin's {@code mlp-sr-ste-2-4} trainer on datasets/mnist-10k and evaluates it on the test split.
 */
public final class TrainTest {

    /** The plugin's own trainer configurations, packaged from plugin-descriptor/. */
    public static final String PLUGIN_CONFIG = "/plugin-descriptor/nmsparse-trainers.xml";

    /** The optimizers {@code --optimizer} names. */
    static final Map<String, Class<? extends Optimizer>> OPTIMIZERS = Map.of("ADAMW", AdamW.class, "SGD", Sgd.class);

    private TrainTest() {
    }

    /** Command-line options. Trainer settings left unset keep the configured component's values. */
    public static final class TrainTestOptions implements Options {
        @Override
        public String getOptionsDescription() {
            return "Trains an N:M-sparse MLP on a training set and evaluates it on a test set.";
        }

        /** Training data. */
        @Option(longName = "train", usage = "Training data: a .csv file, or an IDX images file (its labels file beside it).")
        public Path train = Path.of("datasets/mnist-10k/train-images-idx3-ubyte.gz");
        /** Test data. */
        @Option(longName = "test", usage = "Test data, in the same format as the training data.")
        public Path test = Path.of("datasets/mnist-10k/test-images-idx3-ubyte.gz");
        /** CSV response column. */
        @Option(longName = "response", usage = "CSV only: the name of the response column.")
        public String response;
        /** Trainer component. */
        @Option(longName = "trainer", usage = "Trainer component: from the -c configuration file if given, else from plugin-descriptor/nmsparse-trainers.xml.")
        public String trainer = "mlp-sr-ste-2-4";
        /** Override. */
        @Option(longName = "pattern", usage = "Override the trainer's N:M pattern, e.g. 2:4 or 1:8.")
        public String pattern;
        /** Override. */
        @Option(longName = "method", usage = "Override the training method: DENSE, STE, SR_STE, SR_STE_DECOUPLED or ASP (with its default settings unless the trainer's is of that kind).")
        public String method;
        /** Override. */
        @Option(longName = "epochs", usage = "Override the number of epochs; 0 sizes training to the data (see --min-steps).")
        public String epochs;
        /** Override. */
        @Option(longName = "min-steps", usage = "Override the fewest optimizer steps when epochs is 0 (the ready-made MLPs' setting).")
        public String minSteps;
        /** Override. */
        @Option(longName = "validation-fraction", usage = "Hold out this share of the training data (seeded, stratified by label) to validate on after each epoch.")
        public String validationFraction;
        /** Override. */
        @Option(longName = "patience", usage = "With a validation hold-out: epochs without improvement before training stops (0 never stops early).")
        public String patience;
        /** Override. */
        @Option(longName = "monitor", usage = "With a validation hold-out: VALIDATION_LOSS or VALIDATION_ACCURACY, followed by early stopping and the best epoch.")
        public String monitor;
        /** Override. */
        @Option(longName = "restore-best-epoch", usage = "With a validation hold-out: whether the model is the best epoch's (true) or the last's (false).")
        public String restoreBestEpoch;
        /** Override. */
        @Option(longName = "hidden", usage = "Override the hidden widths, comma-separated, e.g. 256,128.")
        public int[] hidden;
        /** Override. */
        @Option(longName = "convolutions", usage = "Override the convolution stages, comma-separated, each CxK[sS][pP][bn][/Q], e.g. 16x3p1bn/2,32x3p1/2.")
        public List<String> convolutions;
        /** Override. */
        // A list because OLCUT splits an option's text at commas; the pieces are joined back into one block text.
        @Option(longName = "blocks", usage = "Override the blocks, as one text, e.g. 'conv 16x3p1, bn, relu, residual(conv 16x3p1, bn), relu, gap'.")
        public List<String> blocks;
        /** Override. */
        @Option(longName = "input-shape", usage = "Override the input shape of a convolutional network: channels,height,width.")
        public int[] inputShape;
        /** Override. */
        @Option(longName = "lambda-w", usage = "Override the method's lambda_w (SR_STE and SR_STE_DECOUPLED only).")
        public String lambdaW;
        /** Override. */
        @Option(longName = "learning-rate", usage = "Override the peak learning rate.")
        public String learningRate;
        /** Override. */
        @Option(longName = "optimizer", usage = "Override the optimizer: ADAMW or SGD (with its default settings unless the trainer's is of that kind).")
        public String optimizer;
        /** Override. */
        @Option(longName = "batch-size", usage = "Override the batch size.")
        public String batchSize;
        /** Override. */
        @Option(longName = "activation", usage = "Override the activation: RELU, TANH or GELU.")
        public String activation;
        /** Override. */
        @Option(longName = "seed", usage = "Override the seed.")
        public String seed;
        /** Override. */
        @Option(longName = "warmup-epochs", usage = "Override the epochs of learning-rate warm-up.")
        public String warmupEpochs;
        /** Override. */
        @Option(longName = "weight-decay", usage = "Override the optimizer's weight decay.")
        public String weightDecay;
        /** Override. */
        @Option(longName = "momentum", usage = "Override the optimizer's momentum (SGD only).")
        public String momentum;
        /** Override. */
        @Option(longName = "nesterov", usage = "Override whether the optimizer's momentum is Nesterov's (SGD only): true or false.")
        public String nesterov;
        /** Override. */
        @Option(longName = "sparse-output", usage = "Override whether the output layer is N:M-sparse too: true or false.")
        public String sparseOutputLayer;
        /** Override. */
        @Option(longName = "asp-dense-fraction", usage = "Override the method's share of epochs trained dense before pruning (ASP only).")
        public String aspDenseFraction;
        /** Override. */
        @Option(longName = "feature-scaling", usage = "Override the input scaling: NONE, MAX_ABS or STANDARDIZE.")
        public String featureScaling;
        /** Override. */
        @Option(longName = "executor", usage = "Override what runs the training steps: AUTO (FUSED on ND4J's CPU backend, OPS elsewhere), FUSED or OPS.")
        public String executor;
        /** Where to save the model. */
        @Option(longName = "save-model", usage = "Save the trained model here, in Tribuo's protobuf format with N:M layers compressed.")
        public Path saveModel;
        /** Where to export ONNX. */
        @Option(longName = "export-onnx", usage = "Export the trained model as ONNX here (input \"input\", output \"output\").")
        public Path exportOnnx;

        /** Checkpoints. */
        @Option(longName = "checkpoint-dir", usage = "Save the run's state here after every --checkpoint-every epochs (and its arguments, for --resume).")
        public Path checkpointDir;
        /** Checkpoint interval. */
        @Option(longName = "checkpoint-every", usage = "Epochs between checkpoints (default 1): the most work a stop can lose.")
        public String checkpointEvery;
        /** Resume. */
        @Option(longName = "resume", usage = "Resume the run whose --checkpoint-dir this is, with the arguments it was started with.")
        public Path resume;
        /** Data-parallel training. */
        @Option(longName = "spark-master", usage = "Train data-parallel on Apache Spark on this master, e.g. local[2] or spark://host:7077 (README, \"Scaling out\").")
        public String sparkMaster;
        /** Data-parallel training. */
        @Option(longName = "partitions", usage = "With --spark-master: the shards of the training rows, one replica each (default 2).")
        public String partitions;
        /** Data-parallel training. */
        @Option(longName = "local-steps", usage = "With --spark-master: the steps each replica takes between averages (default 8).")
        public String localSteps;
        /** The arguments these options were parsed from, saved beside checkpoints so that --resume can repeat them. */
        String[] arguments;

        /** @return the trainer fields to override, by field name (the method's and optimizer's are {@link #applyComponents}') */
        Map<String, Property> overrides() {
            Map<String, Property> overrides = new LinkedHashMap<>();
            put(overrides, "pattern", pattern);
            put(overrides, "epochs", epochs);
            put(overrides, "minSteps", minSteps);
            put(overrides, "validationFraction", validationFraction);
            put(overrides, "patience", patience);
            put(overrides, "monitor", monitor);
            put(overrides, "restoreBestEpoch", restoreBestEpoch);
            put(overrides, "learningRate", learningRate);
            put(overrides, "batchSize", batchSize);
            put(overrides, "activation", activation);
            put(overrides, "seed", seed);
            put(overrides, "warmupEpochs", warmupEpochs);
            put(overrides, "sparseOutputLayer", sparseOutputLayer);
            put(overrides, "featureScaling", featureScaling);
            put(overrides, "executor", executor);
            if (convolutions != null) {
                overrides.put("convolutions", ListProperty.createFromStringList(convolutions));
            }
            if (blocks != null) {
                overrides.put("blocks", ListProperty.createFromStringList(List.of(String.join(",", blocks))));
            }
            if (inputShape != null) {
                overrides.put("inputShape", ListProperty.createFromStringList(Arrays.stream(inputShape)
                        .mapToObj(Integer::toString).toList()));
            }
            if (hidden != null) {
                overrides.put("hiddenSizes", ListProperty.createFromStringList(Arrays.stream(hidden)
                        .mapToObj(Integer::toString).toList()));
            }
            return overrides;
        }

        /** @return whether any option changes the trainer's method or optimizer */
        boolean changesComponents() {
            return method != null || optimizer != null || lambdaW != null || aspDenseFraction != null || weightDecay != null
                    || momentum != null || nesterov != null;
        }

        /**
         * @param trainer the configured trainer
         * @return the trainer with the method and optimizer these options ask for: of the kind named (the trainer's own
         *         when it is of that kind), with the settings named
         * @throws IllegalArgumentException when a name is unknown or a setting does not belong to the trainer's component
         */
        NMSparseTrainer<?> applyComponents(NMSparseTrainer<?> trainer) {
            TrainerSettings settings = TrainerSettings.of(trainer);
            if (method != null) {
                settings.component("method", Method.named(method).type());
            }
            if (optimizer != null) {
                Class<? extends Optimizer> type = OPTIMIZERS.get(optimizer);
                if (type == null) {
                    throw new IllegalArgumentException("--optimizer " + optimizer + " is not an optimizer; the optimizers are " + OPTIMIZERS.keySet());
                }
                settings.component("optimizer", type);
            }
            setting(settings, "method", "lambdaW", "--lambda-w", lambdaW);
            setting(settings, "method", "denseFraction", "--asp-dense-fraction", aspDenseFraction);
            setting(settings, "optimizer", "weightDecay", "--weight-decay", weightDecay);
            setting(settings, "optimizer", "momentum", "--momentum", momentum);
            setting(settings, "optimizer", "nesterov", "--nesterov", nesterov);
            return settings.build();
        }

        private static void setting(TrainerSettings settings, String component, String field, String option, String value) {
            if (value != null) {
                try {
                    settings.componentSetting(component, field, value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
                }
            }
        }

        private static void put(Map<String, Property> overrides, String field, String value) {
            if (value != null) {
                overrides.put(field, new SimpleProperty(value));
            }
        }
    }

    /**
     * Runs the train-and-evaluate job.
     *
     * @param args the command line; {@code --help} lists the options
     */
    public static void main(String[] args) {
        ConsoleLogging.install();
        TrainTestOptions options = new TrainTestOptions();
        try (ConfigurationManager cm = new ConfigurationManager(args, options)) {
            if (options.resume != null) {
                resume(options.resume, System.out);
            } else {
                options.arguments = args;
                run(options, cm, System.out);
            }
        } catch (UsageException e) {
            System.out.println(e.getMessage());
        } catch (IOException | IllegalArgumentException | IllegalStateException | PropertyException e) {
            // Bad input and bad settings end here with their own message; anything else is a bug and keeps its trace.
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Loads the trainer named in the options, applying the overrides.
     *
     * @param options the parsed options
     * @param cm      the configuration given with -c, possibly empty
     * @return the trainer
     */
    public static NMSparseTrainer<?> loadTrainer(TrainTestOptions options, ConfigurationManager cm) {
        ConfigurationManager source = cm;
        if (!cm.containsConfigurable(options.trainer)) {
            URL plugin = TrainTest.class.getResource(PLUGIN_CONFIG);
            source = new ConfigurationManager(plugin);
            if (!source.containsConfigurable(options.trainer)) {
                throw new IllegalArgumentException("no trainer component named '" + options.trainer
                        + "' in the -c configuration nor in " + PLUGIN_CONFIG + " (it has " + source.getComponentNames() + ")");
            }
        }
        for (Map.Entry<String, Property> override : options.overrides().entrySet()) {
            source.overrideConfigurableProperty(options.trainer, override.getKey(), override.getValue());
        }
        Object trainer = source.lookup(options.trainer);
        if (!(trainer instanceof NMSparseTrainer<?> nmTrainer)) {
            throw new IllegalArgumentException("component '" + options.trainer + "' is a " + trainer.getClass().getName()
                    + ", not an NMSparseTrainer");
        }
        return options.changesComponents() ? options.applyComponents(nmTrainer) : nmTrainer;
    }

    /**
     * Runs again the command whose checkpoint directory this is, with its saved arguments: training resumes after
     * the last epoch checkpointed.
     *
     * @param directory the {@code --checkpoint-dir} of the stopped run
     * @param out       where the report goes
     * @throws IOException when the directory holds no saved run
     */
    static void resume(Path directory, PrintStream out) throws IOException {
        Path saved = directory.resolve(ARGUMENTS_FILE);
        if (!Files.isRegularFile(saved)) {
            throw new IllegalArgumentException("nothing to resume in " + directory.toAbsolutePath() + ": it holds no " + ARGUMENTS_FILE
                    + " (was the run started with --checkpoint-dir " + directory + "?)");
        }
        String[] arguments = Files.readAllLines(saved, StandardCharsets.UTF_8).toArray(String[]::new);
        TrainTestOptions options = new TrainTestOptions();
        try (ConfigurationManager cm = new ConfigurationManager(arguments, options)) {
            options.arguments = arguments;
            // The directory given, wherever it is now: the saved path may be relative or the folder moved.
            options.checkpointDir = directory;
            out.printf("Resuming: %s%n", String.join(" ", arguments));
            run(options, cm, out);
        }
    }

    /** The file in a checkpoint directory that holds the run's command-line arguments, one per line. */
    static final String ARGUMENTS_FILE = "command-line.txt";

    static void run(TrainTestOptions options, ConfigurationManager cm, PrintStream out) throws IOException {
        NMSparseTrainer<?> trainer = loadTrainer(options, cm);
        runTyped(trainer, options, out);
    }

    private static <T extends Output<T>> void runTyped(NMSparseTrainer<T> trainer, TrainTestOptions options, PrintStream out)
            throws IOException {
        DataFiles<T> files = new DataFiles<>(trainer.outputFactory(), options.response);
        Dataset<T> train = files.load(options.train);
        Dataset<T> test = files.load(options.test);
        out.printf(Locale.ROOT, "Trainer: %s%n", trainer);
        out.printf(Locale.ROOT, "Training on %d examples with %d features and %d outputs; testing on %d examples.%n",
                train.size(), train.getFeatureMap().size(), train.getOutputInfo().size(), test.size());
        long start = System.nanoTime();
        NMSparseModel<T> model;
        if (options.sparkMaster != null) {
            if (options.checkpointDir != null) {
                throw new IllegalArgumentException("--checkpoint-dir cannot be combined with --spark-master: data-parallel runs do not "
                        + "checkpoint from the command line yet");
            }
            SparkNMSparseTrainer<T> spark = SparkNMSparseTrainer.builder(trainer).master(options.sparkMaster)
                    .partitions(wholeNumber("--partitions", options.partitions, 2))
                    .localSteps(wholeNumber("--local-steps", options.localSteps, 8)).build();
            out.printf(Locale.ROOT, "Data-parallel on Spark: %s%n", spark);
            model = spark.train(train);
        } else if (options.partitions != null || options.localSteps != null) {
            throw new IllegalArgumentException("--partitions and --local-steps need --spark-master: they set data-parallel training");
        } else if (options.checkpointDir != null) {
            CheckpointPolicy policy = new CheckpointPolicy(options.checkpointDir, wholeNumber("--checkpoint-every", options.checkpointEvery, 1));
            // Saved for --resume when the run starts fresh; a run resuming, or refused as another run's, keeps the file.
            if (options.arguments != null && !Files.exists(options.checkpointDir.resolve(ARGUMENTS_FILE))) {
                Files.createDirectories(options.checkpointDir);
                Files.write(options.checkpointDir.resolve(ARGUMENTS_FILE), List.of(options.arguments), StandardCharsets.UTF_8);
            }
            model = trainer.train(train, policy);
        } else {
            model = trainer.train(train);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation<T> evaluation = trainer.outputFactory().getEvaluator().evaluate(model, test);
        Map<String, Object> backend = SparsityProvenance.backend(model.getProvenance());
        out.printf(Locale.ROOT, "%nTrained in %.1f s on %s (ND4J %s %s, %s) with the %s executor. Evaluation on the test set:%n%s%n", seconds,
                backend.get("backend"), backend.get("version"), backend.get("nativeBuild"), backend.get("blasVendor"), backend.get("executor"), evaluation);
        SparsityProvenance.Length length = SparsityProvenance.length(model.getProvenance());
        out.printf(Locale.ROOT, "%d epochs of %d planned on %d examples, batch %d%s.%n", length.epochsTrained(), length.epochs(),
                length.trainingRows(), length.batchSize(), length.validationRows() == 0 ? ""
                        : String.format(Locale.ROOT, "; %d held out for validation, best epoch %d%s", length.validationRows(), length.bestEpoch(),
                        length.stoppedAfter() == 0 ? "" : ", stopped early after epoch " + length.stoppedAfter()));
        if (evaluation instanceof LabelEvaluation labelEvaluation) {
            out.printf(Locale.ROOT, "Accuracy: %.2f%%%n%nConfusion matrix (rows: true, columns: predicted):%n%s%n",
                    100 * labelEvaluation.accuracy(), labelEvaluation.getConfusionMatrix());
        }
        out.println();
        out.print(LayerTable.of(model));
        long compressed = model.serialize().getSerializedSize();
        long dense = model.serializeDense().getSerializedSize();
        out.printf(Locale.ROOT, "%nModel file: %d bytes with N:M layers compressed, %d bytes stored dense (%.3f).%n",
                compressed, dense, (double) compressed / dense);
        if (options.saveModel != null) {
            model.serializeToFile(options.saveModel);
            out.printf(Locale.ROOT, "Saved the model to %s.%n", options.saveModel);
        }
        if (options.exportOnnx != null) {
            model.saveONNXModel("io.github.nmsparse", 1, options.exportOnnx);
            out.printf(Locale.ROOT, "Exported the model as ONNX to %s.%n", options.exportOnnx);
        }
    }

    private static int wholeNumber(String option, String value, int otherwise) {
        if (value == null) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, got '" + value + "'", e);
        }
    }

    /** Makes java.util.logging print bare lines, and quiets ND4J's start-up messages. */
    static final class ConsoleLogging {
        private static final List<Logger> QUIETED = List.of(Logger.getLogger("org.nd4j"), Logger.getLogger("org.reflections"),
                Logger.getLogger("org.apache.spark"), Logger.getLogger("org.sparkproject"), Logger.getLogger("org.apache.hadoop"));

        private ConsoleLogging() {
        }

        static void install() {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%5$s%6$s%n");
            for (Logger logger : QUIETED) {
                logger.setLevel(java.util.logging.Level.WARNING);
            }
        }
    }
}

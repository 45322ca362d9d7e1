package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.CheckpointPolicy;
import io.github.nmsparse.engine.EarlyStopping;
import io.github.nmsparse.engine.ConfigurableListener;
import io.github.nmsparse.engine.DataParallel;
import io.github.nmsparse.engine.NetworkTrainer;
import io.github.nmsparse.engine.TrainingData;
import io.github.nmsparse.engine.TrainingListener;
import io.github.nmsparse.engine.Executor;
import io.github.nmsparse.engine.TrainingPlan;
import io.github.nmsparse.engine.TrainingResult;
import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.network.Activation;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.NetworkSnapshot;
import io.github.nmsparse.engine.network.Shape;
import io.github.nmsparse.engine.optimizer.AdamW;
import io.github.nmsparse.engine.optimizer.Optimizer;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.Trainer;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Trains N:M fine-grained structured-sparse neural networks from scratch with SR-STE (Zhou et al., ICLR 2021), or
 * with STE, DENSE or ASP as baselines: multi-layer perceptrons, convolutional networks and residual networks, written
 * as blocks. One trainer serves every output type through its {@link OutputAdapter}. Every setting is a configurable
 * field with its default written here once; the training method and the optimizer are components with settings of
 * their own, as Tribuo's SGD trainers take an optimiser. Build one in Java with {@link #builder(OutputAdapter)} or
 * from an OLCUT configuration file.
 *
 * @param <T> the output type
 */
public final class NMSparseTrainer<T extends Output<T>> implements Trainer<T> {

    private static final Logger LOGGER = Logger.getLogger(NMSparseTrainer.class.getName());

    @Config(mandatory = true, description = "Output-type adapter: the loss, target encoding and prediction decoding.")
    private OutputAdapter<T> outputAdapter;

    @Config(description = "N:M pattern of the sparse layers, as text such as 2:4 (at most N non-zeros in every M consecutive inputs).")
    private String pattern = "2:4";

    @Config(description = "Training method: a component such as SrSte (with its lambdaW), DecoupledSrSte, Ste, Dense or Asp (with its denseFraction).")
    private SparsityMethod method = new SrSte();

    @Config(description = "Image networks only: the input's channels, height and width; features are named by pixel index.")
    private int[] inputShape = {};

    @Config(description = "Convolution stages before the hidden layers, each CxK[sS][pP][bn][/Q] (e.g. 16x3p1/2); a shorthand for blocks.")
    private List<String> convolutions = List.of();

    @Config(description = "Blocks before the hidden layers, input side first, e.g. 'conv 16x3p1, bn, relu' or 'residual(conv 16x3p1, bn)'.")
    private List<String> blocks = List.of();

    @Config(description = "Hidden layer widths, input side first.")
    private int[] hiddenSizes = {256, 128};

    @Config(description = "Hidden-layer activation: RELU, TANH or GELU.")
    private Activation activation = Activation.RELU;

    @Config(description = "Whether the output layer is N:M-sparse too (the paper keeps it dense).")
    private boolean sparseOutputLayer = false;

    @Config(description = "Passes over the training data; 0 sizes training to the data: 30 epochs, or more so that training takes minSteps optimizer steps.")
    private int epochs = 0;

    @Config(description = "The fewest optimizer steps a run takes when epochs is 0, so that small data sets are not undertrained.")
    private int minSteps = 1500;

    @Config(description = "Share of the training data held out (seeded, stratified by label) to measure validation loss and accuracy after each epoch; 0 holds none.")
    private double validationFraction = 0;

    @Config(description = "With a validation hold-out: epochs without improvement of the monitored measure before training stops; 0 never stops early.")
    private int patience = 10;

    @Config(description = "With a validation hold-out: the measure that early stopping follows and the best epoch is chosen by, VALIDATION_LOSS or VALIDATION_ACCURACY.")
    private EarlyStopping.Monitor monitor = EarlyStopping.Monitor.VALIDATION_LOSS;

    @Config(description = "With a validation hold-out: whether the model is the best epoch's (weights and masks) rather than the last epoch's.")
    private boolean restoreBestEpoch = true;

    @Config(description = "Examples per training step.")
    private int batchSize = 128;

    @Config(description = "Optimizer: a component such as AdamW (with its weightDecay) or Sgd (with its momentum and nesterov).")
    private Optimizer optimizer = new AdamW();

    @Config(description = "Peak learning rate, reached after the warm-up and then decayed to 0 along a cosine.")
    private double learningRate = 2e-3;

    @Config(description = "Epochs of linear learning-rate warm-up.")
    private int warmupEpochs = 1;

    @Config(description = "Scaling of input features, fitted on the training data: NONE, MAX_ABS or STANDARDIZE.")
    private FeatureScaling featureScaling = FeatureScaling.MAX_ABS;

    @Config(description = "Seed of the weight initialization and the shuffling.")
    private long seed = Trainer.DEFAULT_SEED;

    @Config(description = "What runs the training steps: AUTO (FUSED on ND4J's CPU backend, OPS on any other), FUSED (Java loops, CPU only) or OPS (ND4J ops only).")
    private Executor executor = Executor.AUTO;

    @Config(description = "Listeners told of every step and epoch, after the trainer's own (SAD, divergence check, epoch log).")
    private List<ConfigurableListener> listeners = List.of();

    private SplittableRandom rng;
    private int trainInvocationCounter;
    private NMPattern parsedPattern;

    /** For OLCUT. */
    private NMSparseTrainer() {
    }

    /**
     * @param outputAdapter the output type's adapter
     * @return a builder starting from the defaults
     */
    public static <T extends Output<T>> Builder<T> builder(OutputAdapter<T> outputAdapter) {
        return new Builder<>(outputAdapter);
    }

    /**
     * Validates the settings and seeds the trainer.
     *
     * @throws PropertyException naming the bad setting
     */
    @Override
    public synchronized void postConfig() {
        if (outputAdapter == null) {
            throw new PropertyException("", "outputAdapter", "an output adapter is required (LabelAdapter, RegressorAdapter, ...)");
        }
        try {
            parsedPattern = NMPattern.parse(pattern);
        } catch (IllegalArgumentException e) {
            throw new PropertyException(e, "", "pattern", e.getMessage());
        }
        require(method != null, "method", "must be a training method component (SrSte, DecoupledSrSte, Ste, Dense, Asp)");
        require(optimizer != null, "optimizer", "must be an optimizer component (AdamW, Sgd)");
        require(listeners != null && listeners.stream().allMatch(java.util.Objects::nonNull), "listeners", "must be a list of listener components");
        require(convolutions != null, "convolutions", "must be a list");
        require(executor != null, "executor", "must be AUTO, FUSED or OPS");
        try {
            executor.resolve();
        } catch (IllegalStateException e) {
            throw new PropertyException(e, "", "executor", e.getMessage());
        }
        require(blocks != null, "blocks", "must be a list");
        require(convolutions.isEmpty() || blocks.isEmpty(), "blocks",
                "and convolutions cannot both be set: convolutions is a shorthand for blocks; write the stages as blocks");
        require(inputShape != null && (inputShape.length == 0 || (inputShape.length == 3 && Arrays.stream(inputShape).allMatch(d -> d >= 1))),
                "inputShape", "must be empty or channels, height and width of at least 1, got " + Arrays.toString(inputShape));
        require(convolutions.isEmpty() || inputShape.length == 3, "inputShape",
                "must give channels, height and width when there are convolutions");
        require(activation != null, "activation", "must be one of " + Arrays.toString(Activation.values()));
        require(featureScaling != null, "featureScaling", "must be one of " + Arrays.toString(FeatureScaling.values()));
        require(hiddenSizes != null && Arrays.stream(hiddenSizes).allMatch(size -> size >= 1), "hiddenSizes",
                "must hold hidden widths, each at least 1, got " + Arrays.toString(hiddenSizes));
        require(hiddenSizes.length >= 1 || !convolutions.isEmpty() || !blocks.isEmpty(), "hiddenSizes",
                "must hold at least one hidden width when there are no blocks or convolutions, got " + Arrays.toString(hiddenSizes));
        require(epochs >= 0, "epochs", "must be at least 1, or 0 to size training to the data, got " + epochs);
        require(minSteps >= 1, "minSteps", "must be at least 1, got " + minSteps);
        require(validationFraction >= 0 && validationFraction < 1, "validationFraction", "must be at least 0 and below 1, got " + validationFraction);
        require(patience >= 0, "patience", "must be at least 0 (0 never stops early), got " + patience);
        require(monitor != null, "monitor", "must be one of " + Arrays.toString(EarlyStopping.Monitor.values()));
        require(validationFraction == 0 || monitor != EarlyStopping.Monitor.VALIDATION_ACCURACY || outputAdapter.objective().measuresAccuracy(),
                "monitor", "VALIDATION_ACCURACY needs an output type with an accuracy; " + outputAdapter.getClass().getSimpleName()
                        + " has none: monitor VALIDATION_LOSS");
        require(batchSize >= 1, "batchSize", "must be at least 1, got " + batchSize);
        require(learningRate > 0 && Double.isFinite(learningRate), "learningRate", "must be a finite number > 0, got " + learningRate);
        int fewestEpochs = epochs > 0 ? epochs : TrainingLength.DEFAULT_EPOCHS;
        require(warmupEpochs >= 0 && warmupEpochs <= fewestEpochs, "warmupEpochs", "must be between 0 and epochs (" + fewestEpochs + "), got " + warmupEpochs);
        String blocksField = convolutions.isEmpty() ? "blocks" : "convolutions";
        try {
            // The text is read now; an image network's shapes are checked now too, with a stand-in output (the
            // blocks do not depend on it). A vector input's size is known only from the data.
            Architecture.Builder network = architecture(inputShape.length == 3 ? Shape.of(inputShape) : Shape.vector(1), 1);
            if (inputShape.length == 3) {
                network.build();
            }
        } catch (IllegalArgumentException e) {
            throw new PropertyException(e, "", blocksField, blocksField + ": " + e.getMessage());
        }
        this.rng = new SplittableRandom(seed);
        this.trainInvocationCounter = 0;
    }

    private static void require(boolean condition, String field, String message) {
        if (!condition) {
            throw new PropertyException("", field, field + " " + message);
        }
    }

    @Override
    public NMSparseModel<T> train(Dataset<T> examples) {
        return train(examples, Map.of());
    }

    @Override
    public NMSparseModel<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance) {
        return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
    }

    @Override
    public NMSparseModel<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance, int invocationCount) {
        try {
            return train(examples, runProvenance, invocationCount, null, null, this::getProvenance);
        } catch (IOException e) {
            throw new UncheckedIOException("no checkpoint was asked for, yet " + e.getMessage(), e);
        }
    }

    /**
     * Trains like {@link #train(Dataset)}, saving the run's state to a checkpoint as the policy says, and resuming
     * from the checkpoint in the policy's directory when an earlier attempt of the same run left one there (the same
     * settings, invocation count and data; anything else is refused). The model is the one an uninterrupted run
     * gives, bit for bit, with the same history; checkpointing does not enter the provenance.
     *
     * @param examples    the training data
     * @param checkpoints where and how often to save
     * @return the model
     * @throws IOException              when a checkpoint cannot be written, or the one found is damaged
     * @throws IllegalArgumentException when the checkpoint found belongs to another run, or the data is unusable
     */
    public NMSparseModel<T> train(Dataset<T> examples, CheckpointPolicy checkpoints) throws IOException {
        if (checkpoints == null) {
            throw new IllegalArgumentException("a checkpoint policy is required; use train(Dataset) for none");
        }
        return train(examples, Map.of(), INCREMENT_INVOCATION_COUNT, checkpoints, null, this::getProvenance);
    }

    /**
     * Trains data-parallel, for a trainer that wraps this one and runs its replicas elsewhere (the Spark module's
     * {@code SparkNMSparseTrainer}). All but where the steps run is this trainer's: the encoding, the hold-out, the
     * plan, the invocation count, the history and the model. The model's provenance names the wrapping trainer.
     *
     * @param examples      the training data
     * @param runProvenance run provenance to add, such as where the replicas ran
     * @param parallel      how to spread the steps over replicas
     * @param wrapper       the wrapping trainer's provenance, asked for when this trainer would take its own (before the
     *                      invocation count moves)
     * @return the model
     * @throws IllegalArgumentException when the data is unusable or cannot be split as asked
     */
    public NMSparseModel<T> trainDataParallel(Dataset<T> examples, Map<String, Provenance> runProvenance, DataParallel parallel,
                                              Supplier<TrainerProvenance> wrapper) {
        if (parallel == null || wrapper == null) {
            throw new IllegalArgumentException("data-parallel training needs its settings and the wrapping trainer's provenance");
        }
        try {
            return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT, null, parallel, wrapper);
        } catch (IOException e) {
            throw new UncheckedIOException("no checkpoint was asked for, yet " + e.getMessage(), e);
        }
    }

    private NMSparseModel<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance, int invocationCount,
                                   CheckpointPolicy checkpoints, DataParallel parallel, Supplier<TrainerProvenance> provenanceOfTrainer)
            throws IOException {
        if (examples.size() == 0) {
            throw new IllegalArgumentException("cannot train on an empty dataset");
        }
        ImmutableFeatureMap featureMap = examples.getFeatureIDMap();
        ImmutableOutputInfo<T> outputInfo = examples.getOutputIDInfo();
        if (featureMap.size() == 0) {
            throw new IllegalArgumentException("cannot train: the dataset has no features");
        }
        if (outputInfo.size() == 0) {
            throw new IllegalArgumentException("cannot train: the dataset has no outputs");
        }
        outputAdapter.requireLearnable(outputInfo);
        long runSeed;
        long holdOutSeed;
        TrainerProvenance trainerProvenance;
        synchronized (this) {
            if (invocationCount != INCREMENT_INVOCATION_COUNT) {
                setInvocationCount(invocationCount);
            }
            SplittableRandom runRng = rng.split();
            runSeed = runRng.nextLong();
            holdOutSeed = runRng.nextLong();
            trainerProvenance = provenanceOfTrainer.get();
            trainInvocationCounter++;
        }
        HoldOut holdOut = validationFraction > 0 ? HoldOut.split(strata(examples, outputInfo), validationFraction, holdOutSeed) : null;
        FeatureEncoder encoder = FeatureEncoder.fit(examples, featureMap, featureScaling, holdOut == null ? null : holdOut.training());
        if (inputShape.length == 3) {
            encoder = encoder.forImage(inputShape);
        }
        TrainingData data = encode(examples, encoder, outputInfo);
        if (holdOut != null) {
            data = data.select(holdOut.training()).withValidation(data.select(holdOut.validation()));
        }
        int batch = batchSize;
        if (batch > data.rows()) {
            batch = data.rows();
            LOGGER.warning("batchSize " + batchSize + " is larger than the " + data.rows() + " examples trained on; each step takes all "
                    + batch);
        }
        int runEpochs = TrainingLength.epochs(epochs, minSteps, data.rows(), batch);
        Shape input = inputShape.length == 3 ? Shape.of(inputShape) : Shape.vector(featureMap.size());
        Architecture architecture;
        try {
            architecture = architecture(input, outputInfo.size()).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the network does not fit the data's " + input + " features: " + e.getMessage(), e);
        }
        TrainingPlan plan = TrainingPlan.builder().method(method).optimizer(optimizer).learningRate(learningRate).epochs(runEpochs)
                .warmupEpochs(warmupEpochs).batchSize(batch).seed(runSeed).executor(executor).build();
        List<TrainingListener> runListeners = new ArrayList<>();
        EarlyStopping earlyStopping = data.validation() == null ? null : new EarlyStopping(monitor, patience, restoreBestEpoch);
        if (earlyStopping != null) {
            runListeners.add(earlyStopping);
        }
        listeners.stream().map(ConfigurableListener::copy).forEach(runListeners::add);
        TrainingResult result = NetworkTrainer.train(architecture, outputAdapter.objective(), plan, data, runListeners, checkpoints,
                parallel);
        NetworkSnapshot snapshot = result.network().snapshot();
        Map<String, Provenance> run = new HashMap<>(runProvenance);
        SparsityProvenance.Length length = new SparsityProvenance.Length(data.rows(),
                data.validation() == null ? 0 : data.validation().rows(), batch, runEpochs, result.history().size(),
                earlyStopping == null ? 0 : earlyStopping.stoppedAfter(), earlyStopping == null ? 0 : earlyStopping.bestEpoch());
        Map<String, Provenance> ours = SparsityProvenance.runProvenance(result.history(), length, snapshot, result.backend(), result.executor());
        for (String key : ours.keySet()) {
            if (run.containsKey(key)) {
                throw new IllegalArgumentException("run provenance key '" + key + "' is reserved for tribuo-nmsparse");
            }
        }
        run.putAll(ours);
        ModelProvenance provenance = new ModelProvenance(NMSparseModel.class.getName(), OffsetDateTime.now(),
                examples.getProvenance(), trainerProvenance, run);
        return new NMSparseModel<>("nmsparse-network", provenance, featureMap, outputInfo, outputAdapter, encoder, snapshot);
    }

    /** @return each example's stratum for the validation hold-out, in the data's order */
    private int[] strata(Dataset<T> examples, ImmutableOutputInfo<T> outputInfo) {
        int[] strata = new int[examples.size()];
        int row = 0;
        for (Example<T> example : examples) {
            strata[row++] = outputAdapter.stratum(example.getOutput(), outputInfo);
        }
        return strata;
    }

    private TrainingData encode(Dataset<T> examples, FeatureEncoder encoder, ImmutableOutputInfo<T> outputInfo) {
        int rows = examples.size();
        int inputs = encoder.width();
        int outputs = outputInfo.size();
        float[] features = new float[Math.multiplyExact(rows, inputs)];
        float[] targets = new float[Math.multiplyExact(rows, outputs)];
        int row = 0;
        for (Example<T> example : examples) {
            encoder.encode(example, row, features, row * inputs);
            try {
                outputAdapter.encode(example.getOutput(), outputInfo, targets, row * outputs);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("example " + row + ": " + e.getMessage(), e);
            }
            row++;
        }
        return new TrainingData(features, targets, rows);
    }

    /**
     * @param input   the shape of one example's input
     * @param outputs the outputs
     * @return the network, to build: the blocks (or the convolution stages as blocks), the hidden layers, the output
     * @throws IllegalArgumentException naming the text that is not a block
     */
    private Architecture.Builder architecture(Shape input, int outputs) {
        Architecture.Builder network = Architecture.builder(input).pattern(parsedPattern).initialization(activation);
        for (String stage : convolutions) {
            network.blocks(Architecture.convolutionStage(stage, activation));
        }
        if (!convolutions.isEmpty()) {
            network.blocks("flatten");
        }
        blocks.forEach(network::blocks);
        for (int size : hiddenSizes) {
            network.blocks("dense " + size + ", " + activation.name().toLowerCase(Locale.ROOT));
        }
        return network.output(outputs, sparseOutputLayer);
    }

    /** @return the factory of the output type this trainer's adapter handles, for loading data */
    public OutputFactory<T> outputFactory() {
        return outputAdapter.outputFactory();
    }

    @Override
    public synchronized int getInvocationCount() {
        return trainInvocationCounter;
    }

    @Override
    public synchronized void setInvocationCount(int invocationCount) {
        if (invocationCount < 0) {
            throw new IllegalArgumentException("invocation count must be non-negative, got " + invocationCount);
        }
        this.rng = new SplittableRandom(seed);
        for (int i = 0; i < invocationCount; i++) {
            rng.split();
        }
        this.trainInvocationCounter = invocationCount;
    }

    @Override
    public TrainerProvenance getProvenance() {
        return new TrainerProvenanceImpl(this);
    }

    @Override
    public String toString() {
        return "NMSparseTrainer(method=" + method.describe() + ", pattern=" + pattern
                + (inputShape.length == 0 ? "" : ", inputShape=" + Arrays.toString(inputShape))
                + (convolutions.isEmpty() ? "" : ", convolutions=" + convolutions) + (blocks.isEmpty() ? "" : ", blocks=" + blocks)
                + ", hiddenSizes=" + Arrays.toString(hiddenSizes) + ", activation=" + activation + ", epochs=" + (epochs == 0 ? "auto" : epochs)
                + ", optimizer=" + optimizer.describe() + ", lr=" + learningRate + ")";
    }

    /**
     * Builds a trainer in Java with named settings; unset ones keep the defaults declared on the fields above.
     *
     * @param <T> the output type
     */
    public static final class Builder<T extends Output<T>> {
        private NMSparseTrainer<T> trainer = new NMSparseTrainer<>();

        private Builder(OutputAdapter<T> outputAdapter) {
            trainer.outputAdapter = outputAdapter;
        }

        /**
         * Makes the network convolutional, in the {@code convolutions} shorthand.
         *
         * @param shape  the input's channels, height and width
         * @param stages the convolution stages, each {@code CxK[sS][pP][bn][/Q]}, e.g. "16x3p1/2"
         */
        public Builder<T> convolutions(int[] shape, String... stages) {
            requireUnbuilt();
            trainer.inputShape = shape.clone();
            trainer.convolutions = List.of(stages);
            return this;
        }

        /**
         * Starts the network with blocks on an image input.
         *
         * @param shape  the input's channels, height and width
         * @param blocks the blocks, input side first, each string one or more blocks separated by commas, e.g.
         *               "conv 16x3p1, bn, relu", "residual(conv 16x3p1, bn, relu, conv 16x3p1, bn), relu", "gap"
         */
        public Builder<T> blocks(int[] shape, String... blocks) {
            requireUnbuilt();
            trainer.inputShape = shape.clone();
            trainer.blocks = List.of(blocks);
            return this;
        }

        /** @param pattern the N:M pattern, e.g. "2:4" */
        public Builder<T> pattern(String pattern) {
            requireUnbuilt();
            trainer.pattern = pattern;
            return this;
        }

        /** @param method the training method, e.g. {@code new SrSte()} */
        public Builder<T> method(SparsityMethod method) {
            requireUnbuilt();
            trainer.method = method;
            return this;
        }

        /** @param sizes hidden widths, input side first */
        public Builder<T> hiddenSizes(int... sizes) {
            requireUnbuilt();
            trainer.hiddenSizes = sizes.clone();
            return this;
        }

        /** @param activation the hidden activation */
        public Builder<T> activation(Activation activation) {
            requireUnbuilt();
            trainer.activation = activation;
            return this;
        }

        /** @param sparse whether the output layer is sparse too */
        public Builder<T> sparseOutputLayer(boolean sparse) {
            requireUnbuilt();
            trainer.sparseOutputLayer = sparse;
            return this;
        }

        /** @param epochs passes over the data; 0 (the default) sizes training to the data, see {@link #minSteps} */
        public Builder<T> epochs(int epochs) {
            requireUnbuilt();
            trainer.epochs = epochs;
            return this;
        }

        /** @param minSteps when epochs is 0: the fewest optimizer steps, reached by training more than 30 epochs on small data */
        public Builder<T> minSteps(int minSteps) {
            requireUnbuilt();
            trainer.minSteps = minSteps;
            return this;
        }

        /**
         * Holds out a share of the training data, seeded and stratified by label, evaluated after every epoch, and
         * stops early on it.
         *
         * @param fraction  the share held out, in (0, 1); 0 holds none
         * @param patience  epochs without improvement before training stops; 0 never stops early
         * @param monitor   the measure followed, and by which the best epoch is chosen
         * @return this builder
         */
        public Builder<T> validation(double fraction, int patience, EarlyStopping.Monitor monitor) {
            requireUnbuilt();
            trainer.validationFraction = fraction;
            trainer.patience = patience;
            trainer.monitor = monitor;
            return this;
        }

        /** @param restore whether, with a validation hold-out, the model is the best epoch's (the default) or the last's */
        public Builder<T> restoreBestEpoch(boolean restore) {
            requireUnbuilt();
            trainer.restoreBestEpoch = restore;
            return this;
        }

        /** @param batchSize examples per step */
        public Builder<T> batchSize(int batchSize) {
            requireUnbuilt();
            trainer.batchSize = batchSize;
            return this;
        }

        /** @param optimizer the optimizer, e.g. {@code new AdamW()} or {@code new Sgd(0.9, true, 5e-5)} */
        public Builder<T> optimizer(Optimizer optimizer) {
            requireUnbuilt();
            trainer.optimizer = optimizer;
            return this;
        }

        /** @param learningRate the peak learning rate */
        public Builder<T> learningRate(double learningRate) {
            requireUnbuilt();
            trainer.learningRate = learningRate;
            return this;
        }

        /** @param warmupEpochs epochs of warm-up */
        public Builder<T> warmupEpochs(int warmupEpochs) {
            requireUnbuilt();
            trainer.warmupEpochs = warmupEpochs;
            return this;
        }

        /** @param scaling the input scaling */
        public Builder<T> featureScaling(FeatureScaling scaling) {
            requireUnbuilt();
            trainer.featureScaling = scaling;
            return this;
        }

        /** @param seed the seed */
        public Builder<T> seed(long seed) {
            requireUnbuilt();
            trainer.seed = seed;
            return this;
        }

        /** @param executor what runs the training steps; AUTO picks FUSED on ND4J's CPU backend and OPS elsewhere */
        public Builder<T> executor(Executor executor) {
            requireUnbuilt();
            trainer.executor = executor;
            return this;
        }

        /** @param listeners listeners told of every step and epoch, after the trainer's own */
        public Builder<T> listeners(ConfigurableListener... listeners) {
            requireUnbuilt();
            trainer.listeners = List.of(listeners);
            return this;
        }

        private void requireUnbuilt() {
            if (trainer == null) {
                throw new IllegalStateException("this builder has already built its trainer; start a new one");
            }
        }

        /**
         * @return the trainer, validated
         * @throws PropertyException naming a bad setting
         */
        public NMSparseTrainer<T> build() {
            requireUnbuilt();
            NMSparseTrainer<T> built = trainer;
            built.postConfig();
            trainer = null;
            return built;
        }
    }
}

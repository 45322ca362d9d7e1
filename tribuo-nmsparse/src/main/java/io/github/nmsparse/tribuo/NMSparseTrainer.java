package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.Activation;
import io.github.nmsparse.engine.AdamW;
import io.github.nmsparse.engine.CheckpointPolicy;
import io.github.nmsparse.engine.ConvSpec;
import io.github.nmsparse.engine.NetworkSnapshot;
import io.github.nmsparse.engine.NetworkSpec;
import io.github.nmsparse.engine.NetworkTrainer;
import io.github.nmsparse.engine.Optimizer;
import io.github.nmsparse.engine.SgdMomentum;
import io.github.nmsparse.engine.TrainingData;
import io.github.nmsparse.engine.TrainingMethod;
import io.github.nmsparse.engine.TrainingPlan;
import io.github.nmsparse.engine.TrainingResult;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains N:M fine-grained structured-sparse multi-layer perceptrons from scratch with SR-STE (Zhou et al., ICLR
 * 2021), or with STE, DENSE or ASP as baselines. One trainer serves every output type through its
 * {@link OutputAdapter}. Every setting is a configurable field with its default written here once; build one in
 * Java with {@link #builder(OutputAdapter)} or from an OLCUT configuration file.
 *
 * @param <T> the output type
 */
public final class NMSparseTrainer<T extends Output<T>> implements Trainer<T> {

    /** The optimizers on offer. */
    public enum OptimizerType {
        /** Adam with decoupled weight decay. */
        ADAMW,
        /** SGD with momentum (Nesterov if asked) and L2 weight decay. */
        SGD
    }

    @Config(mandatory = true, description = "Output-type adapter: the loss, target encoding and prediction decoding.")
    private OutputAdapter<T> outputAdapter;

    @Config(description = "N:M pattern of the sparse layers, as text such as 2:4 (at most N non-zeros in every M consecutive inputs).")
    private String pattern = "2:4";

    @Config(description = "Training method: DENSE, STE, SR_STE or ASP.")
    private TrainingMethod method = TrainingMethod.SR_STE;

    @Config(description = "SR-STE decay lambda_w applied to pruned weights at every step.")
    private double lambdaW = 2e-4;

    @Config(description = "ASP only: share of the epochs trained dense before pruning once to N:M.")
    private double aspDenseFraction = 0.5;

    @Config(description = "Convolutional networks only: the input's channels, height and width; features are named by pixel index.")
    private int[] inputShape = {};

    @Config(description = "Convolution stages before the hidden layers, each CxK[sS][pP][/Q] (e.g. 16x3p1/2); empty for a plain MLP.")
    private List<String> convolutions = List.of();

    @Config(description = "Hidden layer widths, input side first.")
    private int[] hiddenSizes = {256, 128};

    @Config(description = "Hidden-layer activation: RELU, TANH or GELU.")
    private Activation activation = Activation.RELU;

    @Config(description = "Whether the output layer is N:M-sparse too (the paper keeps it dense).")
    private boolean sparseOutputLayer = false;

    @Config(description = "Passes over the training data.")
    private int epochs = 30;

    @Config(description = "Examples per training step.")
    private int batchSize = 128;

    @Config(description = "Optimizer: ADAMW or SGD.")
    private OptimizerType optimizer = OptimizerType.ADAMW;

    @Config(description = "Peak learning rate, reached after the warm-up and then decayed to 0 along a cosine.")
    private double learningRate = 2e-3;

    @Config(description = "Epochs of linear learning-rate warm-up.")
    private int warmupEpochs = 1;

    @Config(description = "Weight decay (decoupled for ADAMW, L2 for SGD); biases are not decayed.")
    private double weightDecay = 5e-4;

    @Config(description = "SGD only: momentum.")
    private double momentum = 0.9;

    @Config(description = "SGD only: whether to use Nesterov momentum.")
    private boolean nesterov = false;

    @Config(description = "Scaling of input features, fitted on the training data: NONE, MAX_ABS or STANDARDIZE.")
    private FeatureScaling featureScaling = FeatureScaling.MAX_ABS;

    @Config(description = "Seed of the weight initialization and the shuffling.")
    private long seed = Trainer.DEFAULT_SEED;

    private SplittableRandom rng;
    private int trainInvocationCounter;
    private NMPattern parsedPattern;
    private ConvSpec[] parsedConvolutions;

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
        require(method != null, "method", "must be one of " + Arrays.toString(TrainingMethod.values()));
        require(convolutions != null, "convolutions", "must be a list");
        parsedConvolutions = new ConvSpec[convolutions.size()];
        for (int i = 0; i < convolutions.size(); i++) {
            try {
                parsedConvolutions[i] = ConvSpec.parse(convolutions.get(i));
            } catch (IllegalArgumentException e) {
                throw new PropertyException(e, "", "convolutions", "convolutions " + e.getMessage());
            }
        }
        require(inputShape != null && (inputShape.length == 0 || (inputShape.length == 3 && Arrays.stream(inputShape).allMatch(d -> d >= 1))),
                "inputShape", "must be empty or channels, height and width of at least 1, got " + Arrays.toString(inputShape));
        require(convolutions.isEmpty() || inputShape.length == 3, "inputShape",
                "must give channels, height and width when there are convolutions");
        require(activation != null, "activation", "must be one of " + Arrays.toString(Activation.values()));
        require(optimizer != null, "optimizer", "must be one of " + Arrays.toString(OptimizerType.values()));
        require(featureScaling != null, "featureScaling", "must be one of " + Arrays.toString(FeatureScaling.values()));
        require(lambdaW >= 0 && Double.isFinite(lambdaW), "lambdaW", "must be a finite number >= 0, got " + lambdaW);
        require(aspDenseFraction >= 0 && aspDenseFraction < 1, "aspDenseFraction", "must be in [0, 1), got " + aspDenseFraction);
        require(hiddenSizes != null && hiddenSizes.length >= 1 && Arrays.stream(hiddenSizes).allMatch(size -> size >= 1),
                "hiddenSizes", "must hold at least one hidden width, each at least 1, got " + Arrays.toString(hiddenSizes));
        require(epochs >= 1, "epochs", "must be at least 1, got " + epochs);
        require(batchSize >= 1, "batchSize", "must be at least 1, got " + batchSize);
        require(learningRate > 0 && Double.isFinite(learningRate), "learningRate", "must be a finite number > 0, got " + learningRate);
        require(warmupEpochs >= 0 && warmupEpochs <= epochs, "warmupEpochs", "must be between 0 and epochs (" + epochs + "), got " + warmupEpochs);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay", "must be a finite number >= 0, got " + weightDecay);
        require(momentum >= 0 && momentum < 1, "momentum", "must be in [0, 1), got " + momentum);
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
            return train(examples, runProvenance, invocationCount, null);
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
        return train(examples, Map.of(), INCREMENT_INVOCATION_COUNT, checkpoints);
    }

    private NMSparseModel<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance, int invocationCount,
                                   CheckpointPolicy checkpoints) throws IOException {
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
        TrainerProvenance trainerProvenance;
        synchronized (this) {
            if (invocationCount != INCREMENT_INVOCATION_COUNT) {
                setInvocationCount(invocationCount);
            }
            runSeed = rng.split().nextLong();
            trainerProvenance = getProvenance();
            trainInvocationCounter++;
        }
        FeatureEncoder encoder = FeatureEncoder.fit(examples, featureMap, featureScaling);
        if (parsedConvolutions.length > 0) {
            encoder = encoder.forImage(inputShape);
        }
        TrainingData data = encode(examples, encoder, outputInfo);
        if (batchSize > examples.size()) {
            throw new IllegalArgumentException("batchSize " + batchSize + " is larger than the " + examples.size()
                    + " training examples; set it to at most " + examples.size());
        }
        NetworkSpec.Builder architecture = NetworkSpec.builder();
        if (parsedConvolutions.length > 0) {
            architecture.inputShape(inputShape[0], inputShape[1], inputShape[2]).convolutions(parsedConvolutions);
        } else {
            architecture.inputs(featureMap.size());
        }
        NetworkSpec spec = architecture.hiddenSizes(hiddenSizes)
                .outputs(outputInfo.size()).activation(activation).pattern(parsedPattern)
                .sparseOutput(sparseOutputLayer).build();
        TrainingPlan plan = TrainingPlan.builder().method(method, new TrainingMethod.Settings(lambdaW, aspDenseFraction))
                .optimizer(createOptimizer()).learningRate(learningRate).epochs(epochs).warmupEpochs(warmupEpochs)
                .batchSize(batchSize).seed(runSeed).build();
        TrainingResult result = NetworkTrainer.train(spec, outputAdapter.objective(), plan, data, List.of(new EpochLogger()), checkpoints);
        NetworkSnapshot snapshot = NetworkSnapshot.of(result.network());
        Map<String, Provenance> run = new HashMap<>(runProvenance);
        Map<String, Provenance> ours = SparsityProvenance.runProvenance(result.history(), snapshot, result.backend());
        for (String key : ours.keySet()) {
            if (run.containsKey(key)) {
                throw new IllegalArgumentException("run provenance key '" + key + "' is reserved for tribuo-nmsparse");
            }
        }
        run.putAll(ours);
        ModelProvenance provenance = new ModelProvenance(NMSparseModel.class.getName(), OffsetDateTime.now(),
                examples.getProvenance(), trainerProvenance, run);
        return new NMSparseModel<>("nmsparse-mlp", provenance, featureMap, outputInfo, outputAdapter, encoder, snapshot);
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

    private Optimizer createOptimizer() {
        return switch (optimizer) {
            case ADAMW -> new AdamW(weightDecay);
            case SGD -> new SgdMomentum(momentum, nesterov, weightDecay);
        };
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
        return "NMSparseTrainer(method=" + method + ", pattern=" + pattern
                + (convolutions.isEmpty() ? "" : ", inputShape=" + Arrays.toString(inputShape) + ", convolutions=" + convolutions)
                + ", hiddenSizes=" + Arrays.toString(hiddenSizes)
                + ", activation=" + activation + ", epochs=" + epochs + ", optimizer=" + optimizer + ", lr=" + learningRate + ")";
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
         * Makes the network convolutional.
         *
         * @param shape  the input's channels, height and width
         * @param stages the convolution stages, each {@code CxK[sS][pP][/Q]}, e.g. "16x3p1/2"
         */
        public Builder<T> convolutions(int[] shape, String... stages) {
            requireUnbuilt();
            trainer.inputShape = shape.clone();
            trainer.convolutions = List.of(stages);
            return this;
        }

        /** @param pattern the N:M pattern, e.g. "2:4" */
        public Builder<T> pattern(String pattern) {
            requireUnbuilt();
            trainer.pattern = pattern;
            return this;
        }

        /** @param method the training method */
        public Builder<T> method(TrainingMethod method) {
            requireUnbuilt();
            trainer.method = method;
            return this;
        }

        /** @param lambdaW SR-STE's decay on pruned weights */
        public Builder<T> lambdaW(double lambdaW) {
            requireUnbuilt();
            trainer.lambdaW = lambdaW;
            return this;
        }

        /** @param fraction ASP's share of dense epochs */
        public Builder<T> aspDenseFraction(double fraction) {
            requireUnbuilt();
            trainer.aspDenseFraction = fraction;
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

        /** @param epochs passes over the data */
        public Builder<T> epochs(int epochs) {
            requireUnbuilt();
            trainer.epochs = epochs;
            return this;
        }

        /** @param batchSize examples per step */
        public Builder<T> batchSize(int batchSize) {
            requireUnbuilt();
            trainer.batchSize = batchSize;
            return this;
        }

        /** @param optimizer the optimizer */
        public Builder<T> optimizer(OptimizerType optimizer) {
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

        /** @param weightDecay the weight decay */
        public Builder<T> weightDecay(double weightDecay) {
            requireUnbuilt();
            trainer.weightDecay = weightDecay;
            return this;
        }

        /** @param momentum SGD's momentum; @param nesterov whether it is Nesterov's */
        public Builder<T> momentum(double momentum, boolean nesterov) {
            requireUnbuilt();
            trainer.momentum = momentum;
            trainer.nesterov = nesterov;
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

package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMPattern;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The architecture of a multi-layer perceptron and which of its layers are N:M-sparse. By default the first and
 * every hidden layer are sparse and the output layer is dense, as in Zhou et al.
 */
public final class NetworkSpec {

    private final int inputs;
    private final int[] hiddenSizes;
    private final int outputs;
    private final Activation activation;
    private final NMPattern pattern;
    private final boolean sparseOutput;
    private final int[] inputShape;
    private final List<ConvSpec> convolutions;

    private NetworkSpec(Builder b) {
        if (!b.convolutions.isEmpty()) {
            if (b.inputShape == null) {
                throw new IllegalArgumentException("convolutions need the input shape (channels, height, width)");
            }
            if (b.inputs != 0 && b.inputs != b.inputShape[0] * b.inputShape[1] * b.inputShape[2]) {
                throw new IllegalArgumentException("an input of shape " + Arrays.toString(b.inputShape) + " has "
                        + b.inputShape[0] * b.inputShape[1] * b.inputShape[2] + " values, not " + b.inputs);
            }
            b.inputs = b.inputShape[0] * b.inputShape[1] * b.inputShape[2];
        }
        if (b.inputs < 1) {
            throw new IllegalArgumentException("the network needs at least one input, got " + b.inputs);
        }
        if (b.outputs < 1) {
            throw new IllegalArgumentException("the network needs at least one output, got " + b.outputs);
        }
        if (b.activation == null) {
            throw new IllegalArgumentException("the network needs an activation");
        }
        for (int size : b.hiddenSizes) {
            if (size < 1) {
                throw new IllegalArgumentException("hidden layer sizes must be at least 1, got " + Arrays.toString(b.hiddenSizes));
            }
        }
        this.inputs = b.inputs;
        this.hiddenSizes = b.hiddenSizes.clone();
        this.outputs = b.outputs;
        this.activation = b.activation;
        this.pattern = b.pattern;
        this.sparseOutput = b.sparseOutput;
        this.inputShape = b.inputShape == null ? null : b.inputShape.clone();
        this.convolutions = List.copyOf(b.convolutions);
    }

    /** @return a builder with no hidden layers, ReLU, and no sparsity */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates the network with seeded initial weights: He-uniform for ReLU and GELU, Glorot-uniform for tanh,
     * zero biases. The same seed gives bit-identical weights.
     *
     * @param rng    the source of the initial weights
     * @param masked whether sparse layers carry an N:M mask (false for the DENSE method)
     * @return the network
     */
    public Mlp initialize(SplittableRandom rng, boolean masked) {
        List<ConvStage> stages = new ArrayList<>();
        int channels = inputShape == null ? 0 : inputShape[0];
        int height = inputShape == null ? 0 : inputShape[1];
        int imageWidth = inputShape == null ? 0 : inputShape[2];
        for (ConvSpec conv : convolutions) {
            int fanIn = conv.kernel() * conv.kernel() * channels;
            Layer layer = new Layer(fanIn, conv.channels(), initialWeights(rng, fanIn, conv.channels()), new float[conv.channels()],
                    masked && pattern != null ? pattern : null);
            ConvStage stage = new ConvStage(layer, conv, channels, height, imageWidth, stages.isEmpty());
            stages.add(stage);
            channels = conv.channels();
            height = stage.outputHeight();
            imageWidth = stage.outputWidth();
        }
        List<Layer> layers = new ArrayList<>();
        int width = stages.isEmpty() ? inputs : stages.get(stages.size() - 1).outputSize();
        int count = hiddenSizes.length + 1;
        for (int i = 0; i < count; i++) {
            int next = i < hiddenSizes.length ? hiddenSizes[i] : outputs;
            boolean sparse = masked && pattern != null && (i < count - 1 || sparseOutput);
            layers.add(new Layer(width, next, initialWeights(rng, width, next), new float[next], sparse ? pattern : null));
            width = next;
        }
        return new Mlp(stages, layers, activation);
    }

    private float[] initialWeights(SplittableRandom rng, int fanIn, int fanOut) {
        double bound = activation == Activation.TANH ? Math.sqrt(6.0 / (fanIn + fanOut)) : Math.sqrt(6.0 / fanIn);
        float[] weights = new float[fanIn * fanOut];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return weights;
    }

    /** @return the pattern of the sparse layers, or null when none is set */
    public NMPattern pattern() {
        return pattern;
    }

    /** Builds a {@link NetworkSpec}; every setting is named. */
    public static final class Builder {
        private int inputs;
        private int[] hiddenSizes = new int[0];
        private int outputs;
        private Activation activation = Activation.RELU;
        private NMPattern pattern;
        private boolean sparseOutput;
        private int[] inputShape;
        private List<ConvSpec> convolutions = List.of();

        private Builder() {
        }

        /**
         * @param channels input channels
         * @param height   input height
         * @param width    input width
         */
        public Builder inputShape(int channels, int height, int width) {
            if (channels < 1 || height < 1 || width < 1) {
                throw new IllegalArgumentException("an input shape needs channels, height and width of at least 1, got "
                        + channels + "x" + height + "x" + width);
            }
            this.inputShape = new int[] {channels, height, width};
            return this;
        }

        /** @param stages convolution stages before the fully connected layers, input side first; all N:M-sparse under a pattern */
        public Builder convolutions(ConvSpec... stages) {
            this.convolutions = List.of(stages);
            return this;
        }

        /** @param inputs the number of input features */
        public Builder inputs(int inputs) {
            this.inputs = inputs;
            return this;
        }

        /** @param sizes the hidden layer widths, input side first */
        public Builder hiddenSizes(int... sizes) {
            this.hiddenSizes = sizes.clone();
            return this;
        }

        /** @param outputs the number of outputs */
        public Builder outputs(int outputs) {
            this.outputs = outputs;
            return this;
        }

        /** @param activation the hidden-layer activation */
        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        /** @param pattern the N:M pattern of the sparse layers, or null for none */
        public Builder pattern(NMPattern pattern) {
            this.pattern = pattern;
            return this;
        }

        /** @param sparseOutput whether the output layer is sparse too */
        public Builder sparseOutput(boolean sparseOutput) {
            this.sparseOutput = sparseOutput;
            return this;
        }

        /** @return the spec */
        public NetworkSpec build() {
            return new NetworkSpec(this);
        }
    }
}

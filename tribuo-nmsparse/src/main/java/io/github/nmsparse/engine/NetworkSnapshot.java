package io.github.nmsparse.engine;

import io.github.nmsparse.core.CompressedNM;
import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.core.NMValidity;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained network's inference weights. A sparse layer holds only its compressed N:M form (kept values and packed
 * in-group positions: 17/32 of the dense bytes for 2:4), so this is what a model keeps in memory; dense forms are
 * built on demand.
 *
 * @param layers       the layers with weights, input side first: the convolutions' (weights {@code [out][kh][kw][in]}),
 *                     then the fully connected ones
 * @param activation   the hidden-layer activation
 * @param convolutions the convolution stages, one for each of the first layers; empty for a multi-layer perceptron
 * @param inputShape   channels, height and width of the input of a convolutional network; empty otherwise
 */
public record NetworkSnapshot(List<LayerSnapshot> layers, Activation activation, List<ConvSpec> convolutions,
                              List<Integer> inputShape) {

    /** Copies the lists and checks that the convolutions fit the layers. */
    public NetworkSnapshot {
        layers = List.copyOf(layers);
        convolutions = List.copyOf(convolutions);
        inputShape = List.copyOf(inputShape);
        if (convolutions.size() > layers.size() - 1 || (!convolutions.isEmpty() && inputShape.size() != 3)) {
            throw new IllegalArgumentException(convolutions.size() + " convolutions need at least one more layer and an "
                    + "input shape of channels, height and width; got " + layers.size() + " layers and shape " + inputShape);
        }
        int channels = convolutions.isEmpty() ? 0 : inputShape.get(0);
        for (int i = 0; i < convolutions.size(); i++) {
            ConvSpec conv = convolutions.get(i);
            LayerSnapshot layer = layers.get(i);
            if (layer.outputs() != conv.channels() || layer.inputs() != conv.kernel() * conv.kernel() * channels) {
                throw new IllegalArgumentException("convolution " + i + " (" + conv + " on " + channels + " channels) needs a "
                        + conv.channels() + "x" + conv.kernel() * conv.kernel() * channels + " weight matrix, got "
                        + layer.outputs() + "x" + layer.inputs());
            }
            channels = conv.channels();
        }
    }

    /**
     * A multi-layer perceptron's weights.
     *
     * @param layers     the layers, input side first
     * @param activation the hidden-layer activation
     */
    public NetworkSnapshot(List<LayerSnapshot> layers, Activation activation) {
        this(layers, activation, List.of(), List.of());
    }

    /** @return whether the network starts with convolutions */
    public boolean convolutional() {
        return !convolutions.isEmpty();
    }

    /**
     * @param network a trained network
     * @return its inference weights
     */
    public static NetworkSnapshot of(Mlp network) {
        List<LayerSnapshot> layers = new ArrayList<>();
        List<Layer> all = network.allLayers();
        for (int i = 0; i < all.size(); i++) {
            Layer layer = all.get(i);
            NMPattern pattern = layer.sparse() == null ? null : layer.sparse().layout().pattern();
            float[] weights = layer.inferenceWeights();
            float[] biases = layer.biases();
            if (i < network.stages().size() && network.stages().get(i).norm() != null) {
                network.stages().get(i).norm().fold(weights, biases);
            }
            layers.add(new LayerSnapshot(layer.inputs(), layer.outputs(), weights, biases, pattern));
        }
        // Batch normalization is folded into the convolutions' weights above, so the stages no longer carry it.
        List<ConvSpec> convolutions = network.stages().stream().map(stage -> stage.spec().withoutBatchNorm()).toList();
        List<Integer> shape = network.stages().isEmpty() ? List.of()
                : java.util.Arrays.stream(network.stages().get(0).inputShape()).boxed().toList();
        return new NetworkSnapshot(layers, network.activation(), convolutions, shape);
    }

    /** @return a dense network that computes the same predictions, built from the compressed layers now */
    public Mlp toNetwork() {
        List<ConvStage> stages = new ArrayList<>();
        List<Layer> dense = new ArrayList<>();
        int channels = convolutional() ? inputShape.get(0) : 0;
        int height = convolutional() ? inputShape.get(1) : 0;
        int width = convolutional() ? inputShape.get(2) : 0;
        for (int i = 0; i < layers.size(); i++) {
            LayerSnapshot layer = layers.get(i);
            Layer built = new Layer(layer.inputs(), layer.outputs(), layer.weights(), layer.biases, null);
            if (i < convolutions.size()) {
                ConvStage stage = new ConvStage(built, convolutions.get(i), channels, height, width, i == 0);
                stages.add(stage);
                channels = stage.spec().channels();
                height = stage.outputHeight();
                width = stage.outputWidth();
            } else {
                dense.add(built);
            }
        }
        return new Mlp(stages, dense, activation);
    }

    /** @return the bytes the weights and biases take in this form */
    public long byteSize() {
        return layers.stream().mapToLong(LayerSnapshot::byteSize).sum();
    }

    /** @return the bytes the same weights and biases take as dense float32 arrays */
    public long denseByteSize() {
        return layers.stream().mapToLong(layer -> 4L * ((long) layer.inputs() * layer.outputs() + layer.outputs())).sum();
    }

    /** One layer's inference weights: compressed when the layer is N:M-sparse, a dense array otherwise. */
    public static final class LayerSnapshot {

        private final int inputs;
        private final int outputs;
        private final float[] biases;
        private final NMPattern pattern;
        private final CompressedNM compressed;
        private final float[] denseWeights;

        /**
         * @param inputs  inputs
         * @param outputs outputs
         * @param weights row-major {@code [outputs][inputs]}, copied
         * @param biases  {@code outputs} biases, copied
         * @param pattern the N:M pattern it was trained under, or null for a dense layer
         * @throws IllegalArgumentException when the sizes disagree, or a sparse layer's weights are not N:M
         */
        public LayerSnapshot(int inputs, int outputs, float[] weights, float[] biases, NMPattern pattern) {
            this(inputs, outputs, biases, pattern, pattern == null ? null
                    : CompressedNM.compress(FloatBuffer.wrap(weights), new NMLayout(outputs, inputs, pattern)),
                    pattern == null ? weights.clone() : null);
            if ((long) inputs * outputs != weights.length) {
                throw new IllegalArgumentException("a " + outputs + "x" + inputs + " layer needs " + (long) inputs * outputs
                        + " weights, got " + weights.length);
            }
        }

        private LayerSnapshot(int inputs, int outputs, float[] biases, NMPattern pattern, CompressedNM compressed, float[] dense) {
            if (biases.length != outputs) {
                throw new IllegalArgumentException("a layer of " + outputs + " outputs needs as many biases, got " + biases.length);
            }
            this.inputs = inputs;
            this.outputs = outputs;
            this.biases = biases.clone();
            this.pattern = pattern;
            this.compressed = compressed;
            this.denseWeights = dense;
        }

        /**
         * @param compressed the N:M layer, kept as it is
         * @param biases     its biases, copied
         * @return the layer
         */
        public static LayerSnapshot of(CompressedNM compressed, float[] biases) {
            NMLayout layout = compressed.layout();
            return new LayerSnapshot(layout.cols(), layout.rows(), biases, layout.pattern(), compressed, null);
        }

        /** @return the number of inputs */
        public int inputs() {
            return inputs;
        }

        /** @return the number of outputs */
        public int outputs() {
            return outputs;
        }

        /** @return the N:M pattern it was trained under, or null for a dense layer */
        public NMPattern pattern() {
            return pattern;
        }

        /** @return whether the layer was trained N:M-sparse */
        public boolean sparse() {
            return pattern != null;
        }

        /** @return the compressed form of a sparse layer, or null for a dense one */
        public CompressedNM compressed() {
            return compressed;
        }

        /** @return a new row-major {@code [outputs][inputs]} array of the weights, zeros included */
        public float[] weights() {
            return compressed != null ? compressed.toDense() : denseWeights.clone();
        }

        /** @return a copy of the biases */
        public float[] biases() {
            return biases.clone();
        }

        /**
         * {@code y = W x + b} for one input vector, from the compressed form for a sparse layer.
         *
         * @param x the inputs
         * @param y where to write the outputs
         */
        void affine(float[] x, float[] y) {
            if (compressed != null) {
                compressed.multiply(x, 0, y, 0);
            } else {
                denseProduct(x, y);
            }
            for (int o = 0; o < outputs; o++) {
                y[o] += biases[o];
            }
        }

        private void denseProduct(float[] x, float[] y) {
            for (int o = 0; o < outputs; o++) {
                int row = o * inputs;
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                int i = 0;
                for (; i + 3 < inputs; i += 4) {
                    s0 += denseWeights[row + i] * x[i];
                    s1 += denseWeights[row + i + 1] * x[i + 1];
                    s2 += denseWeights[row + i + 2] * x[i + 2];
                    s3 += denseWeights[row + i + 3] * x[i + 3];
                }
                for (; i < inputs; i++) {
                    s0 += denseWeights[row + i] * x[i];
                }
                y[o] = (s0 + s1) + (s2 + s3);
            }
        }

        /** @return the bytes this form takes: the compressed N:M form or the dense array, plus the biases */
        public long byteSize() {
            long weights = compressed != null ? compressed.byteSize() : 4L * denseWeights.length;
            return weights + 4L * biases.length;
        }

        /** @return the N:M check of the weights against the layer's pattern (dense layers are trivially valid) */
        public NMValidity validity() {
            float[] weights = weights();
            if (pattern == null) {
                long nonZeros = 0;
                for (float w : weights) {
                    nonZeros += w != 0f ? 1 : 0;
                }
                return new NMValidity(0, 0, nonZeros, weights.length);
            }
            return NMValidity.check(FloatBuffer.wrap(weights), new NMLayout(outputs, inputs, pattern));
        }
    }
}

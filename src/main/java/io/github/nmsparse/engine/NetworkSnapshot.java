package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.core.NMValidity;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained network's inference weights as plain arrays: for each sparse layer W~ = W * E, so its zeros are the
 * pruned weights. It is what a model keeps and what serialization writes.
 *
 * @param layers     the layers, input side first
 * @param activation the hidden-layer activation
 */
public record NetworkSnapshot(List<LayerSnapshot> layers, Activation activation) {

    /** Copies the list. */
    public NetworkSnapshot {
        layers = List.copyOf(layers);
    }

    /**
     * @param network a trained network
     * @return its inference weights
     */
    public static NetworkSnapshot of(Mlp network) {
        List<LayerSnapshot> layers = new ArrayList<>();
        for (Layer layer : network.layers()) {
            NMPattern pattern = layer.sparse() == null ? null : layer.sparse().layout().pattern();
            layers.add(new LayerSnapshot(layer.inputs(), layer.outputs(), layer.inferenceWeights(), layer.biases(), pattern));
        }
        return new NetworkSnapshot(layers, network.activation());
    }

    /** @return a network that computes the same predictions, ready for inference */
    public Mlp toNetwork() {
        List<Layer> built = new ArrayList<>();
        for (LayerSnapshot layer : layers) {
            built.add(new Layer(layer.inputs(), layer.outputs(), layer.weights(), layer.biases(), null));
        }
        return new Mlp(built, activation);
    }

    /**
     * One layer's inference weights.
     *
     * @param inputs  inputs
     * @param outputs outputs
     * @param weights row-major {@code [outputs][inputs]}
     * @param biases  {@code outputs} biases
     * @param pattern the N:M pattern it was trained under, or null for a dense layer
     */
    public record LayerSnapshot(int inputs, int outputs, float[] weights, float[] biases, NMPattern pattern) {

        /** @return whether the layer was trained N:M-sparse */
        public boolean sparse() {
            return pattern != null;
        }

        /** @return the N:M check of the weights against the layer's pattern (dense layers are trivially valid) */
        public NMValidity validity() {
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

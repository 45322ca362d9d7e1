package io.github.nmsparse.engine.network;

import io.github.nmsparse.core.NMPattern;

import java.util.SplittableRandom;

/**
 * How a network's weights start: seeded uniform weights (He for ReLU and GELU, Glorot for tanh), zero biases, and
 * the N:M pattern of the sparse layers when the training method masks them.
 *
 * @param rng        the source of the initial weights, drawn layer by layer, input side first
 * @param pattern    the pattern of the layers built sparse, or null when no layer carries a mask
 * @param activation the activation whose fan rule sets the weights' range
 */
record Init(SplittableRandom rng, NMPattern pattern, Activation activation) {

    /**
     * @param fanIn  inputs of each output unit
     * @param fanOut outputs
     * @return {@code fanIn * fanOut} weights, row-major {@code [fanOut][fanIn]}
     */
    float[] weights(int fanIn, int fanOut) {
        double bound = activation == Activation.TANH ? Math.sqrt(6.0 / (fanIn + fanOut)) : Math.sqrt(6.0 / fanIn);
        float[] weights = new float[fanIn * fanOut];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return weights;
    }

    /**
     * @param sparse whether the layer is one of those trained N:M
     * @return the layer's pattern, or null for a dense layer
     */
    NMPattern patternFor(boolean sparse) {
        return sparse ? pattern : null;
    }
}

package io.github.nmsparse.engine.network;

import io.github.nmsparse.core.CompressedNM;
import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.core.NMVectorProduct;
import io.github.nmsparse.core.NMValidity;

import java.nio.FloatBuffer;

/**
 * One GEMM layer's prediction weights (a fully connected layer, or a convolution's {@code [out][kh][kw][in]} rows):
 * compressed when the layer is N:M-sparse (kept values and packed in-group positions, 17/32 of the dense bytes for
 * 2:4), a dense array otherwise. Immutable: every accessor returns a copy.
 */
public final class LayerWeights {

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
    public LayerWeights(int inputs, int outputs, float[] weights, float[] biases, NMPattern pattern) {
        this(inputs, outputs, biases, pattern, pattern == null ? null
                : CompressedNM.compress(FloatBuffer.wrap(requireSize(inputs, outputs, weights)), new NMLayout(outputs, inputs, pattern)),
                pattern == null ? requireSize(inputs, outputs, weights).clone() : null);
    }

    private LayerWeights(int inputs, int outputs, float[] biases, NMPattern pattern, CompressedNM compressed, float[] dense) {
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

    private static float[] requireSize(int inputs, int outputs, float[] weights) {
        if (inputs < 1 || outputs < 1 || (long) inputs * outputs != weights.length) {
            throw new IllegalArgumentException("a " + outputs + "x" + inputs + " layer needs " + (long) inputs * outputs
                    + " weights, got " + weights.length);
        }
        return weights;
    }

    /**
     * @param compressed the N:M layer, kept as it is
     * @param biases     its biases, copied
     * @return the layer
     */
    public static LayerWeights of(CompressedNM compressed, float[] biases) {
        NMLayout layout = compressed.layout();
        return new LayerWeights(layout.cols(), layout.rows(), biases, layout.pattern(), compressed, null);
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

    /** @return the compressed form of a sparse layer (itself immutable), or null for a dense one */
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
     * {@code y = W x + b} for one input vector.
     *
     * @param x       the inputs
     * @param y       where to write the outputs
     * @param product a sparse layer's {@link CompressedNM#vectorProduct()}; null for a dense layer
     */
    void affine(float[] x, float[] y, NMVectorProduct product) {
        if (product != null) {
            product.multiply(x, y);
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

    /** @return the multiply-adds of one input vector: the value slots of a sparse layer, every weight of a dense one */
    long multiplyAdds() {
        return compressed != null ? (long) compressed.layout().groupCount() * pattern.n() : (long) inputs * outputs;
    }

    /** @return the bytes this form takes: the compressed N:M form or the dense array, plus the biases */
    public long byteSize() {
        long weights = compressed != null ? compressed.byteSize() : 4L * denseWeights.length;
        return weights + 4L * biases.length;
    }

    /** @return the bytes the same weights and biases take as dense float32 arrays */
    public long denseByteSize() {
        return 4L * ((long) inputs * outputs + outputs);
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

    /** @return "OUTxIN pattern", e.g. "256x667 2:4" */
    @Override
    public String toString() {
        return outputs + "x" + inputs + " " + (pattern == null ? "dense" : pattern);
    }
}

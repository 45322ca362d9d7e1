package io.github.nmsparse.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * One convolution stage: a convolution computed as a fully connected {@link Layer} over image patches
 * (im2col, then one GEMM on ND4J), the activation, and optional max pooling. The layer's weights are laid out
 * {@code [out][kh][kw][in]}, so each output channel's row runs over kernel positions and, fastest, input
 * channels: N:M groups of M consecutive weights lie along the input channels (SPEC section 1), and a layer
 * with fewer input channels than M (the first) has groups that run on across kernel positions. Activations
 * between stages are channels-last ({@code [batch][h][w][c]}); the first stage reads the network's input as
 * channels-first ({@code [c][h][w]}), the order of the feature vector.
 */
final class ConvStage {

    private final Layer layer;
    private final ConvSpec spec;
    private final int inChannels;
    private final int inHeight;
    private final int inWidth;
    private final boolean channelsFirstInput;
    private final int outHeight;
    private final int outWidth;
    private final int pooledHeight;
    private final int pooledWidth;
    private final BatchNorm norm;

    ConvStage(Layer layer, ConvSpec spec, int inChannels, int inHeight, int inWidth, boolean channelsFirstInput) {
        this.layer = layer;
        this.norm = spec.batchNorm() ? new BatchNorm(spec.channels()) : null;
        this.spec = spec;
        this.inChannels = inChannels;
        this.inHeight = inHeight;
        this.inWidth = inWidth;
        this.channelsFirstInput = channelsFirstInput;
        this.outHeight = spec.convolvedSize(inHeight);
        this.outWidth = spec.convolvedSize(inWidth);
        this.pooledHeight = spec.outputSize(inHeight);
        this.pooledWidth = spec.outputSize(inWidth);
        if (outHeight < 1 || outWidth < 1 || pooledHeight < 1 || pooledWidth < 1) {
            throw new IllegalArgumentException("convolution " + spec + " does not fit an input of " + inChannels + "x"
                    + inHeight + "x" + inWidth + " (it would give " + outHeight + "x" + outWidth + " before pooling)");
        }
        if (layer.outputs() != spec.channels() || layer.inputs() != patchSize()) {
            throw new IllegalArgumentException("a " + spec + " stage on " + inChannels + " channels needs a "
                    + spec.channels() + "x" + patchSize() + " weight matrix, got " + layer.outputs() + "x" + layer.inputs());
        }
    }

    /** @return the weights of one output channel: kernel x kernel x input channels */
    int patchSize() {
        return spec.kernel() * spec.kernel() * inChannels;
    }

    /** @return the values one example feeds in */
    int inputSize() {
        return inChannels * inHeight * inWidth;
    }

    /** @return the values one example gives out, after pooling, channels-last */
    int outputSize() {
        return pooledHeight * pooledWidth * spec.channels();
    }

    /** @return the output height, after pooling */
    int outputHeight() {
        return pooledHeight;
    }

    /** @return the output width, after pooling */
    int outputWidth() {
        return pooledWidth;
    }

    /** @return the number of output positions before pooling */
    int positions() {
        return outHeight * outWidth;
    }

    Layer layer() {
        return layer;
    }

    /** @return the stage's batch normalization, or null */
    BatchNorm norm() {
        return norm;
    }

    ConvSpec spec() {
        return spec;
    }

    /** @return {channels, height, width} of the input */
    int[] inputShape() {
        return new int[] {inChannels, inHeight, inWidth};
    }

    /** Per-batch buffers of a stage: the patches and pre-activations for the GEMMs, and the heap work arrays. */
    final class Buffers {
        final int rows;
        final INDArray patches;
        final float[] patchValues;
        final INDArray preActivations;
        final float[] z;
        final float[] a;
        final float[] pooled;
        final int[] argMax;
        /** Batch normalization: its output (the activation's input), the normalized values, 1 / std per channel. */
        final float[] normalizedOutput;
        final float[] normalized;
        final float[] inverseStd;
        final boolean training;
        final float[] unpooledGradient;
        final INDArray zGradient;
        final INDArray patchGradient;
        final float[] patchGradientValues;

        Buffers(int rows, boolean training) {
            this.rows = rows;
            long positions = (long) rows * positions();
            this.patches = Nd4j.create(DataType.FLOAT, positions, patchSize());
            this.patchValues = new float[Math.toIntExact(positions * patchSize())];
            this.preActivations = Nd4j.create(DataType.FLOAT, positions, spec.channels());
            this.z = new float[Math.toIntExact(positions * spec.channels())];
            this.a = new float[z.length];
            this.pooled = spec.pool() == 1 ? a : new float[rows * outputSize()];
            this.training = training;
            this.normalizedOutput = norm == null ? null : new float[z.length];
            this.normalized = norm == null || !training ? null : new float[z.length];
            this.inverseStd = norm == null ? null : new float[spec.channels()];
            this.argMax = spec.pool() == 1 ? null : new int[pooled.length];
            this.unpooledGradient = training && spec.pool() > 1 ? new float[z.length] : null;
            this.zGradient = training ? Nd4j.create(DataType.FLOAT, positions, spec.channels()) : null;
            this.patchGradient = training ? Nd4j.create(DataType.FLOAT, positions, patchSize()) : null;
            this.patchGradientValues = training ? new float[patchValues.length] : null;
        }
    }

    Buffers buffers(int rows, boolean training) {
        return new Buffers(rows, training);
    }

    /**
     * Forward: {@code b.pooled} gets the stage's output for the {@code b.rows} inputs in {@code x}.
     *
     * @param x          the inputs, {@link #inputSize()} per row
     * @param activation the activation after the convolution
     */
    void forward(float[] x, Buffers b, Activation activation) {
        im2col(x, b.rows, b.patchValues);
        b.patches.data().asNioFloat().put(0, b.patchValues);
        Nd4j.gemm(b.patches, layer.forwardWeights(), b.preActivations, false, true, 1.0, 0.0);
        b.preActivations.data().asNioFloat().get(0, b.z);
        float[] bias = layer.biasValues();
        int channels = spec.channels();
        for (int p = 0; p < b.z.length; p += channels) {
            for (int c = 0; c < channels; c++) {
                b.z[p + c] += bias[c];
            }
        }
        float[] activationInput = b.z;
        if (norm != null) {
            int positions = b.z.length / channels;
            if (b.training) {
                norm.forwardTraining(b.z, b.normalized, b.normalizedOutput, b.inverseStd, positions);
            } else {
                norm.forwardInference(b.z, b.normalizedOutput, positions);
            }
            activationInput = b.normalizedOutput;
        }
        activation.forward(activationInput, b.a, b.z.length);
        if (spec.pool() > 1) {
            maxPool(b);
        }
    }

    /**
     * Backward: from the gradient of the stage's output, the layer's weight and bias gradients and, when asked, the
     * gradient of its input.
     *
     * @param outputGradient dLoss/d(output), channels-last, {@link #outputSize()} per row; overwritten
     * @param inputGradient  where to write dLoss/d(input), {@link #inputSize()} per row, or null
     */
    void backward(float[] outputGradient, Buffers b, Activation activation, float[] inputGradient) {
        float[] grad;
        if (spec.pool() > 1) {
            grad = b.unpooledGradient;
            Arrays.fill(grad, 0f);
            for (int i = 0; i < b.pooled.length; i++) {
                grad[b.argMax[i]] += outputGradient[i];
            }
        } else {
            grad = outputGradient;
        }
        activation.backward(norm == null ? b.z : b.normalizedOutput, b.a, grad, b.z.length);
        if (norm != null) {
            norm.backward(grad, b.normalized, b.inverseStd, b.z.length / spec.channels());
        }
        b.zGradient.data().asNioFloat().put(0, grad, 0, b.z.length);
        Nd4j.gemm(b.zGradient, b.patches, layer.weightGradient(), true, false, 1.0, 0.0);
        float[] biasGradient = layer.biasGradient();
        Arrays.fill(biasGradient, 0f);
        int channels = spec.channels();
        for (int p = 0; p < b.z.length; p += channels) {
            for (int c = 0; c < channels; c++) {
                biasGradient[c] += grad[p + c];
            }
        }
        if (inputGradient != null) {
            Nd4j.gemm(b.zGradient, layer.forwardWeights(), b.patchGradient, false, false, 1.0, 0.0);
            b.patchGradient.data().asNioFloat().get(0, b.patchGradientValues);
            col2im(b.patchGradientValues, b.rows, inputGradient);
        }
    }

    /** Offset of input value (c, h, w) within one example. */
    private int inputOffset(int c, int h, int w) {
        return channelsFirstInput ? (c * inHeight + h) * inWidth + w : (h * inWidth + w) * inChannels + c;
    }

    private void im2col(float[] x, int rows, float[] patches) {
        int k = spec.kernel();
        int patch = patchSize();
        int in = inputSize();
        int row = 0;
        for (int n = 0; n < rows; n++) {
            int base = n * in;
            for (int oh = 0; oh < outHeight; oh++) {
                for (int ow = 0; ow < outWidth; ow++, row++) {
                    int out = row * patch;
                    for (int kh = 0; kh < k; kh++) {
                        int h = oh * spec.stride() - spec.padding() + kh;
                        for (int kw = 0; kw < k; kw++) {
                            int w = ow * spec.stride() - spec.padding() + kw;
                            boolean inside = h >= 0 && h < inHeight && w >= 0 && w < inWidth;
                            for (int c = 0; c < inChannels; c++) {
                                patches[out++] = inside ? x[base + inputOffset(c, h, w)] : 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    private void col2im(float[] patches, int rows, float[] x) {
        Arrays.fill(x, 0, rows * inputSize(), 0f);
        int k = spec.kernel();
        int patch = patchSize();
        int in = inputSize();
        int row = 0;
        for (int n = 0; n < rows; n++) {
            int base = n * in;
            for (int oh = 0; oh < outHeight; oh++) {
                for (int ow = 0; ow < outWidth; ow++, row++) {
                    int from = row * patch;
                    for (int kh = 0; kh < k; kh++) {
                        int h = oh * spec.stride() - spec.padding() + kh;
                        for (int kw = 0; kw < k; kw++) {
                            int w = ow * spec.stride() - spec.padding() + kw;
                            if (h >= 0 && h < inHeight && w >= 0 && w < inWidth) {
                                for (int c = 0; c < inChannels; c++) {
                                    x[base + inputOffset(c, h, w)] += patches[from + c];
                                }
                            }
                            from += inChannels;
                        }
                    }
                }
            }
        }
    }

    private void maxPool(Buffers b) {
        int p = spec.pool();
        int channels = spec.channels();
        int i = 0;
        for (int n = 0; n < b.rows; n++) {
            int image = n * positions() * channels;
            for (int ph = 0; ph < pooledHeight; ph++) {
                for (int pw = 0; pw < pooledWidth; pw++) {
                    for (int c = 0; c < channels; c++, i++) {
                        int best = image + ((ph * p) * outWidth + pw * p) * channels + c;
                        for (int dh = 0; dh < p; dh++) {
                            for (int dw = 0; dw < p; dw++) {
                                int at = image + ((ph * p + dh) * outWidth + pw * p + dw) * channels + c;
                                if (b.a[at] > b.a[best]) {
                                    best = at;
                                }
                            }
                        }
                        b.pooled[i] = b.a[best];
                        b.argMax[i] = best;
                    }
                }
            }
        }
    }
}

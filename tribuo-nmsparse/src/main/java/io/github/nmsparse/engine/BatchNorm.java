package io.github.nmsparse.engine;

/**
 * Batch normalization of a convolution's output channels, {@code y = gamma * (z - mean) / sqrt(var + eps) + beta}:
 * with the batch's statistics (over examples and positions) while training, which also update running averages,
 * and with those running averages for prediction, where it folds into the convolution's weights and biases.
 */
final class BatchNorm {

    static final float EPSILON = 1e-5f;
    /** The weight of each batch in the running averages, as in PyTorch. */
    static final float MOMENTUM = 0.1f;

    final int channels;
    final float[] gamma;
    final float[] beta;
    final float[] gammaGradient;
    final float[] betaGradient;
    final float[] runningMean;
    final float[] runningVariance;

    BatchNorm(int channels) {
        this.channels = channels;
        this.gamma = new float[channels];
        this.beta = new float[channels];
        this.gammaGradient = new float[channels];
        this.betaGradient = new float[channels];
        this.runningMean = new float[channels];
        this.runningVariance = new float[channels];
        java.util.Arrays.fill(gamma, 1f);
        java.util.Arrays.fill(runningVariance, 1f);
    }

    /**
     * Normalizes with the batch's statistics and updates the running averages.
     *
     * @param z          the inputs, {@code positions} rows of {@link #channels}
     * @param normalized where to write (z - mean) / std
     * @param y          where to write the outputs
     * @param inverseStd where to write 1 / std per channel
     */
    void forwardTraining(float[] z, float[] normalized, float[] y, float[] inverseStd, int positions) {
        double[] sum = new double[channels];
        double[] sumSquares = new double[channels];
        for (int p = 0; p < positions * channels; p += channels) {
            for (int c = 0; c < channels; c++) {
                double v = z[p + c];
                sum[c] += v;
                sumSquares[c] += v * v;
            }
        }
        float[] mean = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / positions;
            double variance = Math.max(0, sumSquares[c] / positions - m * m);
            mean[c] = (float) m;
            inverseStd[c] = (float) (1 / Math.sqrt(variance + EPSILON));
            double unbiased = positions > 1 ? variance * positions / (positions - 1) : variance;
            runningMean[c] = (1 - MOMENTUM) * runningMean[c] + MOMENTUM * (float) m;
            runningVariance[c] = (1 - MOMENTUM) * runningVariance[c] + MOMENTUM * (float) unbiased;
        }
        for (int p = 0; p < positions * channels; p += channels) {
            for (int c = 0; c < channels; c++) {
                float n = (z[p + c] - mean[c]) * inverseStd[c];
                normalized[p + c] = n;
                y[p + c] = gamma[c] * n + beta[c];
            }
        }
    }

    /** Normalizes with the running averages. */
    void forwardInference(float[] z, float[] y, int positions) {
        for (int p = 0; p < positions * channels; p += channels) {
            for (int c = 0; c < channels; c++) {
                y[p + c] = gamma[c] * (z[p + c] - runningMean[c]) / (float) Math.sqrt(runningVariance[c] + EPSILON) + beta[c];
            }
        }
    }

    /**
     * Turns dLoss/dy into dLoss/dz in place, and writes the gradients of gamma and beta.
     *
     * @param gradient   dLoss/dy on entry, dLoss/dz on return
     * @param normalized the forward pass's (z - mean) / std
     * @param inverseStd the forward pass's 1 / std
     */
    void backward(float[] gradient, float[] normalized, float[] inverseStd, int positions) {
        double[] sumGradient = new double[channels];
        double[] sumGradientNormalized = new double[channels];
        for (int p = 0; p < positions * channels; p += channels) {
            for (int c = 0; c < channels; c++) {
                sumGradient[c] += gradient[p + c];
                sumGradientNormalized[c] += gradient[p + c] * normalized[p + c];
            }
        }
        for (int c = 0; c < channels; c++) {
            betaGradient[c] = (float) sumGradient[c];
            gammaGradient[c] = (float) sumGradientNormalized[c];
        }
        for (int p = 0; p < positions * channels; p += channels) {
            for (int c = 0; c < channels; c++) {
                double dNormalized = gradient[p + c] * gamma[c];
                double meanDNormalized = sumGradient[c] * gamma[c] / positions;
                double meanDNormalizedTimesNormalized = sumGradientNormalized[c] * gamma[c] / positions;
                gradient[p + c] = (float) (inverseStd[c] * (dNormalized - meanDNormalized - normalized[p + c] * meanDNormalizedTimesNormalized));
            }
        }
    }

    /**
     * Folds the running normalization into a convolution for prediction: row c of the weights is scaled by
     * gamma / std, so zeros stay zeros and N:M patterns hold.
     *
     * @param weights the convolution's row-major weights, one row per channel, changed in place
     * @param bias    its biases, changed in place
     */
    void fold(float[] weights, float[] bias) {
        int cols = weights.length / channels;
        for (int c = 0; c < channels; c++) {
            float scale = gamma[c] / (float) Math.sqrt(runningVariance[c] + EPSILON);
            for (int i = c * cols; i < (c + 1) * cols; i++) {
                weights[i] *= scale;
            }
            bias[c] = (bias[c] - runningMean[c]) * scale + beta[c];
        }
    }
}

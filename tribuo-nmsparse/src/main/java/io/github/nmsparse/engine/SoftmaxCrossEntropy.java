package io.github.nmsparse.engine;

/** Softmax followed by cross-entropy against one-hot (or soft) target rows: multi-class classification. */
public final class SoftmaxCrossEntropy implements Objective {

    @Override
    public double lossAndGradient(float[] outputs, float[] targets, float[] gradient, int rows, int width) {
        double loss = 0;
        float invRows = 1f / rows;
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            double logSum = logSumExp(outputs, base, width);
            for (int k = 0; k < width; k++) {
                float z = outputs[base + k];
                float t = targets[base + k];
                if (t != 0f) {
                    loss -= t * (z - logSum);
                }
                gradient[base + k] = (float) (Math.exp(z - logSum) - t) * invRows;
            }
        }
        return loss / rows;
    }

    /** @return the share of rows whose largest output is the target's largest entry */
    @Override
    public double accuracy(float[] outputs, float[] targets, int rows, int width) {
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            correct += argMax(outputs, r * width, width) == argMax(targets, r * width, width) ? 1 : 0;
        }
        return (double) correct / rows;
    }

    private static int argMax(float[] values, int base, int width) {
        int best = 0;
        for (int k = 1; k < width; k++) {
            if (values[base + k] > values[base + best]) {
                best = k;
            }
        }
        return best;
    }

    @Override
    public void transform(float[] outputs, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            double logSum = logSumExp(outputs, base, width);
            for (int k = 0; k < width; k++) {
                outputs[base + k] = (float) Math.exp(outputs[base + k] - logSum);
            }
        }
    }

    /** log(sum(exp(z))) of one row, shifted by its maximum so that no exponential overflows. */
    private static double logSumExp(float[] outputs, int base, int width) {
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < width; k++) {
            max = Math.max(max, outputs[base + k]);
        }
        double sum = 0;
        for (int k = 0; k < width; k++) {
            sum += Math.exp(outputs[base + k] - max);
        }
        return Math.log(sum) + max;
    }
}

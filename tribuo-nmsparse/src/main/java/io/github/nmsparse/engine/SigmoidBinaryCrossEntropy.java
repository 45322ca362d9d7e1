package io.github.nmsparse.engine;

/** An independent sigmoid per output with binary cross-entropy, summed over outputs: multi-label classification. */
public final class SigmoidBinaryCrossEntropy implements Objective {

    /** @return the share of label decisions (output above 0, that is probability above 0.5) that match the targets */
    @Override
    public double accuracy(float[] outputs, float[] targets, int rows, int width) {
        long correct = 0;
        for (int i = 0; i < rows * width; i++) {
            correct += (outputs[i] > 0f) == (targets[i] > 0.5f) ? 1 : 0;
        }
        return (double) correct / ((long) rows * width);
    }

    @Override
    public double lossAndGradient(float[] outputs, float[] targets, float[] gradient, int rows, int width) {
        double loss = 0;
        float invRows = 1f / rows;
        int count = rows * width;
        for (int i = 0; i < count; i++) {
            float z = outputs[i];
            float t = targets[i];
            // log(1 + exp(z)) - t z, written so that neither exponential can overflow.
            loss += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
            gradient[i] = (sigmoid(z) - t) * invRows;
        }
        return loss / rows;
    }

    @Override
    public void transform(float[] outputs, int rows, int width) {
        int count = rows * width;
        for (int i = 0; i < count; i++) {
            outputs[i] = sigmoid(outputs[i]);
        }
    }

    private static float sigmoid(float z) {
        return (float) (1 / (1 + Math.exp(-z)));
    }
}

package io.github.nmsparse.engine;

import java.nio.FloatBuffer;

/** An independent sigmoid per output with binary cross-entropy, summed over outputs: multi-label classification. */
public final class SigmoidBinaryCrossEntropy implements Objective {

    @Override
    public double lossAndGradient(FloatBuffer outputs, FloatBuffer targets, FloatBuffer gradient, int rows, int width) {
        double loss = 0;
        float invRows = 1f / rows;
        int count = rows * width;
        for (int i = 0; i < count; i++) {
            float z = outputs.get(i);
            float t = targets.get(i);
            // log(1 + exp(z)) - t z, written so that neither exponential can overflow.
            loss += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
            gradient.put(i, (sigmoid(z) - t) * invRows);
        }
        return loss / rows;
    }

    @Override
    public void transform(FloatBuffer outputs, int rows, int width) {
        int count = rows * width;
        for (int i = 0; i < count; i++) {
            outputs.put(i, sigmoid(outputs.get(i)));
        }
    }

    private static float sigmoid(float z) {
        return (float) (1 / (1 + Math.exp(-z)));
    }
}

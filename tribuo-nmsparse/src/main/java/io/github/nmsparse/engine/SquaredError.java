package io.github.nmsparse.engine;

/** Half the squared error, summed over outputs and averaged over rows: regression. */
public final class SquaredError implements Objective {

    @Override
    public double lossAndGradient(float[] outputs, float[] targets, float[] gradient, int rows, int width) {
        double loss = 0;
        float invRows = 1f / rows;
        int count = rows * width;
        for (int i = 0; i < count; i++) {
            float diff = outputs[i] - targets[i];
            loss += 0.5 * diff * diff;
            gradient[i] = diff * invRows;
        }
        return loss / rows;
    }

    @Override
    public void transform(float[] outputs, int rows, int width) {
        // Regression outputs are the predictions.
    }
}

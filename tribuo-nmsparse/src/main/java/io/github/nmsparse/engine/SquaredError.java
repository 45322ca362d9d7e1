package io.github.nmsparse.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.factory.Nd4j;

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

    /** {@code 0.5 sum((z - t)^2) / rows} and {@code (z - t) / rows} as ND4J ops; no accuracy. */
    @Override
    public DeviceLoss onDevice(int rows, int width) {
        return new DeviceLoss(rows, width) {
            private final INDArray squares = batchArray();
            private final INDArray loss = scalar();
            private final CustomOp lossSum = sumAll(squares, loss);

            @Override
            protected void compute(INDArray outputs, INDArray targets, INDArray gradient) {
                outputs.sub(targets, gradient);
                gradient.mul(gradient, squares);
                Nd4j.exec(lossSum);
                setLoss(loss.muli(0.5f / rows));
                gradient.muli(1f / rows);
            }
        };
    }

    @Override
    public void transform(float[] outputs, int rows, int width) {
        // Regression outputs are the predictions.
    }
}

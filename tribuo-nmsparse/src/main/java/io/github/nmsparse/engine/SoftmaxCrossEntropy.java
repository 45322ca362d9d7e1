package io.github.nmsparse.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

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
    public boolean measuresAccuracy() {
        return true;
    }

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

    /**
     * Log-softmax, {@code -sum(t * log p) / rows}, {@code (p - t) / rows}, and the share of rows whose largest output
     * is the target's largest (the first on ties, as here), as ND4J ops.
     */
    @Override
    public DeviceLoss onDevice(int rows, int width) {
        return new DeviceLoss(rows, width) {
            private final INDArray logProbabilities = batchArray();
            private final INDArray products = batchArray();
            private final INDArray loss = scalar();
            private final INDArray predicted = Nd4j.create(DataType.INT64, rows);
            private final INDArray expected = Nd4j.create(DataType.INT64, rows);
            private final CustomOp lossSum = sumAll(products, loss);
            private final Agreement agreement = new Agreement(predicted, expected);

            @Override
            protected void compute(INDArray outputs, INDArray targets, INDArray gradient) {
                // The ops on the caller's arrays are made per call; those on this loss's own arrays once.
                Nd4j.exec(DynamicCustomOp.builder("log_softmax").addInputs(outputs).addOutputs(logProbabilities).build());
                targets.mul(logProbabilities, products);
                Nd4j.exec(lossSum);
                setLoss(loss.muli(-1f / rows));
                Nd4j.exec(new Exp(logProbabilities, gradient));
                gradient.subi(targets).muli(1f / rows);
                Nd4j.exec(DynamicCustomOp.builder("argmax").addInputs(outputs).addOutputs(predicted).addIntegerArguments(1).build());
                Nd4j.exec(DynamicCustomOp.builder("argmax").addInputs(targets).addOutputs(expected).addIntegerArguments(1).build());
                agreement.record();
            }
        };
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

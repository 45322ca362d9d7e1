package io.github.nmsparse.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.comparison.ScalarGreaterThan;
import org.nd4j.linalg.api.ops.impl.transforms.same.Abs;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log1p;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

/** An independent sigmoid per output with binary cross-entropy, summed over outputs: multi-label classification. */
public final class SigmoidBinaryCrossEntropy implements Objective {

    /** @return the share of label decisions (output above 0, that is probability above 0.5) that match the targets */
    @Override
    public boolean measuresAccuracy() {
        return true;
    }

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

    /**
     * {@code sum(max(z, 0) - z t + log1p(exp(-|z|))) / rows}, {@code (sigmoid(z) - t) / rows}, and the share of
     * decisions {@code z > 0} that match {@code t > 0.5}, as ND4J ops.
     */
    @Override
    public DeviceLoss onDevice(int rows, int width) {
        return new DeviceLoss(rows, width) {
            private final INDArray terms = batchArray();
            private final INDArray scratch = batchArray();
            private final INDArray loss = scalar();
            private final INDArray decided = Nd4j.create(DataType.BOOL, rows, width);
            private final INDArray wanted = Nd4j.create(DataType.BOOL, rows, width);
            private final CustomOp lossSum = sumAll(terms, loss);
            private final Agreement agreement = new Agreement(decided, wanted);

            @Override
            protected void compute(INDArray outputs, INDArray targets, INDArray gradient) {
                Nd4j.exec(new Abs(outputs, terms));
                terms.negi();
                Nd4j.exec(new Exp(terms, terms));
                Nd4j.exec(new Log1p(terms, terms));
                Nd4j.exec(new RectifiedLinear(outputs, scratch, 0.0));
                terms.addi(scratch).subi(outputs.mul(targets, scratch));
                Nd4j.exec(lossSum);
                setLoss(loss.muli(1f / rows));
                Nd4j.exec(new Sigmoid(outputs, gradient));
                gradient.subi(targets).muli(1f / rows);
                Nd4j.exec(new ScalarGreaterThan(outputs, decided, 0f));
                Nd4j.exec(new ScalarGreaterThan(targets, wanted, 0.5f));
                agreement.record();
            }
        };
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

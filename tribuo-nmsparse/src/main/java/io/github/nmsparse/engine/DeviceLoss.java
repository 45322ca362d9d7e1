package io.github.nmsparse.engine;

import io.github.nmsparse.engine.network.HostMemory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * An objective on the ops executor for one batch size: the loss, its gradient and the batch's accuracy as ND4J ops,
 * into arrays made once. The mean loss and the accuracy end in one two-value array, so a step reads the host once.
 */
public abstract class DeviceLoss {

    /** The rows of a batch. */
    protected final int rows;
    /** The outputs per row. */
    protected final int width;
    private final INDArray result;
    private final INDArray lossSlot;
    private final INDArray accuracySlot;

    /**
     * @param rows  the rows of a batch
     * @param width the outputs per row
     */
    protected DeviceLoss(int rows, int width) {
        this.rows = rows;
        this.width = width;
        this.result = HostMemory.upload(new float[] {Float.NaN, Float.NaN}, 2);
        this.lossSlot = result.get(NDArrayIndex.interval(0, 1));
        this.accuracySlot = result.get(NDArrayIndex.interval(1, 2));
    }

    /**
     * Computes the loss averaged over the rows and its gradient with respect to the raw outputs.
     *
     * @param outputs  the raw outputs, {@code rows x width}
     * @param targets  the targets, same shape
     * @param gradient where dLoss/dOutputs goes, same shape
     * @return the loss and the accuracy (NaN where the objective makes no decisions), one array read once
     */
    public final float[] lossAndGradient(INDArray outputs, INDArray targets, INDArray gradient) {
        compute(outputs, targets, gradient);
        return HostMemory.read(result);
    }

    /**
     * Writes the gradient, then the mean loss and the accuracy through {@link #setLoss} and {@link #setAccuracy}.
     *
     * @param outputs  the raw outputs
     * @param targets  the targets
     * @param gradient where dLoss/dOutputs goes
     */
    protected abstract void compute(INDArray outputs, INDArray targets, INDArray gradient);

    /** @param scalar a one-value array holding the mean loss */
    protected final void setLoss(INDArray scalar) {
        lossSlot.assign(scalar);
    }

    /** @param scalar a one-value array holding the accuracy */
    protected final void setAccuracy(INDArray scalar) {
        accuracySlot.assign(scalar);
    }

    /** @return a float array of the batch's shape */
    protected final INDArray batchArray() {
        return Nd4j.create(DataType.FLOAT, rows, width);
    }

    /** @return a one-value float array */
    protected static INDArray scalar() {
        return Nd4j.create(DataType.FLOAT, new long[0]);
    }

    /** @return an op that sums all of {@code input} into the one-value {@code output} */
    protected static CustomOp sumAll(INDArray input, INDArray output) {
        return DynamicCustomOp.builder("reduce_sum").addInputs(input).addOutputs(output).build();
    }

    /**
     * The accuracy as the share of positions where two arrays of decisions (or class indices) agree: the comparison,
     * its count and the scale as ops made once, on arrays of this loss.
     */
    protected final class Agreement {
        private final CustomOp[] ops;
        private final INDArray count = scalar();
        private final float scale;

        /**
         * @param decided  the decisions made, filled before {@link #record()}
         * @param expected the decisions wanted, the same shape and type
         */
        public Agreement(INDArray decided, INDArray expected) {
            INDArray agree = Nd4j.create(DataType.BOOL, decided.shape());
            INDArray agreeValues = Nd4j.create(DataType.FLOAT, decided.shape());
            this.ops = new CustomOp[] {
                    DynamicCustomOp.builder("equals").addInputs(decided, expected).addOutputs(agree).build(),
                    DynamicCustomOp.builder("cast").addInputs(agree).addOutputs(agreeValues).addIntegerArguments(DataType.FLOAT.toInt()).build(),
                    sumAll(agreeValues, count)};
            this.scale = 1f / decided.length();
        }

        /** Counts the agreements and sets the accuracy. */
        public void record() {
            for (CustomOp op : ops) {
                Nd4j.exec(op);
            }
            setAccuracy(count.muli(scale));
        }
    }
}

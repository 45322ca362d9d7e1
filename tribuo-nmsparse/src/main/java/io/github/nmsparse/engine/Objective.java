package io.github.nmsparse.engine;

/**
 * The training loss on the network's raw outputs, and the transform that turns raw outputs into predictions.
 * Buffers are row-major {@code [rows][outputs]}.
 */
public interface Objective extends java.io.Serializable {

    /**
     * Computes the loss averaged over the rows and writes its gradient with respect to the raw outputs.
     *
     * @param outputs  the raw outputs
     * @param targets  the targets, same shape
     * @param gradient where to write dLoss/dOutputs, same shape
     * @param rows     the rows in the batch
     * @param width    the outputs per row
     * @return the mean loss
     */
    double lossAndGradient(float[] outputs, float[] targets, float[] gradient, int rows, int width);

    /**
     * The share of correct decisions in a batch, for objectives that make decisions.
     *
     * @param outputs the raw outputs
     * @param targets the targets, same shape
     * @param rows    the rows in the batch
     * @param width   the outputs per row
     * @return the accuracy in [0, 1], or NaN when the objective has no notion of a correct decision (regression)
     */
    default double accuracy(float[] outputs, float[] targets, int rows, int width) {
        return Double.NaN;
    }

    /** @return whether {@link #accuracy} measures something (it does where the objective makes decisions) */
    default boolean measuresAccuracy() {
        return false;
    }

    /**
     * Turns raw outputs into predictions in place (probabilities, or values unchanged).
     *
     * @param outputs the raw outputs
     * @param rows    the rows
     * @param width   the outputs per row
     */
    void transform(float[] outputs, int rows, int width);

    /**
     * @param rows  the rows of a batch
     * @param width the outputs per row
     * @return this objective on the ops executor, for batches of that size
     * @throws UnsupportedOperationException for an objective written for the fused executor only
     */
    default DeviceLoss onDevice(int rows, int width) {
        throw new UnsupportedOperationException("the objective " + getClass().getSimpleName() + " has no form for the OPS executor");
    }
}

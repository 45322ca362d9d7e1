package io.github.nmsparse.engine;

/**
 * A way of training N:M-sparse layers, in the spirit of torch.ao.pruning's sparsifiers. For every training step
 * the trainer calls, in this order:
 * <ol>
 *   <li>{@link #beforeStep}, once per sparse layer: set up what the forward pass reads;</li>
 *   <li>(forward and backward passes: the layer's gradient is dLoss/dW~)</li>
 *   <li>for every row of every sparse layer, in one fused pass over the weights: {@link #refineGradientRow}
 *       (turn dLoss/dW~ into the gradient the optimizer applies to the master weights W), the optimizer's update
 *       of the row, then {@link #afterUpdateRow} (update the mask and write the row of W~ for the next step).</li>
 * </ol>
 * The row hooks may run on several threads at once, for different rows. Each training run gets a fresh instance.
 */
public interface SparsityMethod {

    /** @return whether layers chosen for sparsity carry a mask at all (false only for dense training) */
    default boolean masksLayers() {
        return true;
    }

    /**
     * @param layer a sparse layer
     * @param clock where training stands
     */
    void beforeStep(SparseWeights layer, TrainingClock clock);

    /**
     * @param layer    a sparse layer
     * @param row      the row
     * @param weights  the row of W before the update
     * @param gradient the row's dLoss/dW~, to refine in place
     * @param scratch  a row-sized array free for use
     */
    default void refineGradientRow(SparseWeights layer, int row, float[] weights, float[] gradient, float[] scratch) {
    }

    /**
     * @param layer   a sparse layer
     * @param row     the row
     * @param weights the row of W just updated by the optimizer; it may be changed in place
     * @param scratch a row-sized array free for use
     */
    void afterUpdateRow(SparseWeights layer, int row, float[] weights, float[] scratch);

    /**
     * Where a training run stands.
     *
     * @param epoch  the current epoch, from 0
     * @param epochs the number of epochs
     */
    record TrainingClock(int epoch, int epochs) {
    }
}

package io.github.nmsparse.engine;

/**
 * A way of training N:M-sparse layers, in the spirit of torch.ao.pruning's sparsifiers. For every training step
 * and every sparse layer the trainer calls, in this order:
 * <ol>
 *   <li>{@link #beforeForward}: update the mask and the masked weights the forward pass will read;</li>
 *   <li>(forward and backward passes: the layer's gradient is dLoss/dW~)</li>
 *   <li>{@link #refineGradient}: turn that gradient into the one the optimizer applies to the master weights;</li>
 *   <li>(optimizer update)</li>
 *   <li>{@link #afterUpdate}: re-impose anything the update may have broken.</li>
 * </ol>
 * Each training run gets a fresh instance, so an implementation may keep state.
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
    void beforeForward(SparseWeights layer, TrainingClock clock);

    /** @param layer a sparse layer whose gradient holds dLoss/dW~ */
    default void refineGradient(SparseWeights layer) {
    }

    /** @param layer a sparse layer just updated by the optimizer */
    default void afterUpdate(SparseWeights layer) {
    }

    /**
     * Where a training run stands.
     *
     * @param epoch  the current epoch, from 0
     * @param epochs the number of epochs
     */
    record TrainingClock(int epoch, int epochs) {
    }
}

package io.github.nmsparse.engine.network;

/**
 * What a training method asks of a sparse layer before a step, whichever executor runs it: {@link SparseWeights} on
 * the fused executor, {@link DeviceSparseWeights} on the ops executor.
 */
public interface MaskedLayer {

    /** Computes the mask of the whole current W and writes W~, counting flips; the forward pass then reads W~. */
    void refreshMask();

    /** Prunes once to the mask of the current weights (ASP): W itself is masked and the mask becomes active. */
    void pruneToCurrentMask();

    /** @return whether the forward pass reads the masked weights */
    boolean isActive();
}

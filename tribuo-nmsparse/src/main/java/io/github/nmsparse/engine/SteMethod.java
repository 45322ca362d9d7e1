package io.github.nmsparse.engine;

/**
 * STE, the straight-through estimator: the N:M mask is recomputed from the dense weights at every step, the
 * forward pass uses W~ = W * E, and dLoss/dW~ reaches the dense weights unchanged.
 */
class SteMethod implements SparsityMethod {

    /** Only the first step computes the whole mask; after that each update refreshes it row by row. */
    @Override
    public void beforeStep(SparseWeights layer, TrainingClock clock) {
        if (!layer.isActive()) {
            layer.refreshMask();
        }
    }

    @Override
    public void afterUpdateRow(SparseWeights layer, int row, float[] weights, float[] scratch) {
        layer.refreshRow(row, weights, scratch);
    }
}

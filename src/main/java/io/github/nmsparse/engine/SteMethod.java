package io.github.nmsparse.engine;

/**
 * STE, the straight-through estimator: recompute the N:M mask from the dense weights at every step, run forward
 * with W~ = W * E, and hand dLoss/dW~ to the dense weights unchanged.
 */
final class SteMethod implements SparsityMethod {

    @Override
    public void beforeForward(SparseWeights layer, TrainingClock clock) {
        layer.refreshMask();
    }
}

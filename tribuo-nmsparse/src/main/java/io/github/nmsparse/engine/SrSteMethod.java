package io.github.nmsparse.engine;

/**
 * SR-STE, the sparse-refined straight-through estimator (Zhou et al., ICLR 2021, eq. 6): STE plus a decay on the
 * pruned weights, {@code g = dLoss/dW~ + lambda_w * (1 - E) * W}. With {@code lambda_w = 0} it is exactly STE.
 */
final class SrSteMethod extends SteMethod {

    private final float lambda;

    SrSteMethod(double lambda) {
        this.lambda = (float) lambda;
    }

    @Override
    public void refineGradientRow(SparseWeights layer, int row, float[] weights, float[] gradient, float[] scratch) {
        layer.decayPrunedRow(row, weights, gradient, lambda, scratch);
    }
}

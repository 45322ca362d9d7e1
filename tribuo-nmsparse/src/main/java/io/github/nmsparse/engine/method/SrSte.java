package io.github.nmsparse.engine.method;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.nmsparse.engine.network.DeviceSparseWeights;
import io.github.nmsparse.engine.network.SparseWeights;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SR-STE, the sparse-refined straight-through estimator (Zhou et al., ICLR 2021, eq. 6): STE plus a decay on the
 * pruned weights, {@code g = dLoss/dW~ + lambda_w * (1 - E) * W}. With {@code lambdaW = 0} it is exactly STE.
 */
public final class SrSte extends Ste {

    @Config(description = "Decay lambda_w on the pruned weights at every step (the paper's 2e-4); 0 gives exactly STE.")
    private double lambdaW = 2e-4;

    /** SR-STE with the paper's lambda_w, 2e-4. */
    public SrSte() {
    }

    /**
     * @param lambdaW the decay on pruned weights
     * @throws PropertyException when it is negative or not finite
     */
    public SrSte(double lambdaW) {
        this.lambdaW = lambdaW;
        postConfig();
    }

    /** @throws PropertyException when lambdaW is negative or not finite */
    @Override
    public void postConfig() {
        if (!(lambdaW >= 0) || Double.isInfinite(lambdaW)) {
            throw new PropertyException("", "lambdaW", "lambdaW must be a finite number >= 0, got " + lambdaW);
        }
    }

    /** @return the decay on pruned weights */
    public double lambdaW() {
        return lambdaW;
    }

    @Override
    public void refineGradientRow(SparseWeights layer, int row, float[] weights, float[] gradient, float[] scratch) {
        layer.decayPrunedRow(row, weights, gradient, (float) lambdaW, scratch);
    }

    @Override
    public void refineGradient(DeviceSparseWeights layer, INDArray gradient) {
        layer.decayPruned(gradient, (float) lambdaW);
    }

}

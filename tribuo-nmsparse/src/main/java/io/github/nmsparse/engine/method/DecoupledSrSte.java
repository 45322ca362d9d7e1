package io.github.nmsparse.engine.method;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.nmsparse.engine.network.DeviceSparseWeights;
import io.github.nmsparse.engine.network.SparseWeights;

/**
 * SR-STE with its refinement decoupled from the gradient, for adaptive optimizers. This project's extension, not the
 * paper's method ({@link SrSte} is that). Masks and gradients are STE's; then, right after the optimizer's update,
 * the pruned weights shrink: {@code W <- W - lr * lambda_w * (1 - E) * W}, with E the mask the step's forward pass
 * used and lr the step's learning rate.
 *
 * <p>Why: SR-STE adds {@code lambda_w * (1 - E) * W} to the gradient. Under SGD that pulls pruned weights toward 0 at a
 * fixed rate, as the paper designed; Adam divides the same term by its running gradient scale, so the pull varies
 * from weight to weight. Applying it outside the optimizer, as AdamW does with weight decay (Loshchilov and Hutter,
 * 2019), restores the fixed rate. Under plain SGD without momentum the two differ only by a term of order
 * {@code lr^2 * lambda_w}: this step shrinks the updated weights, SR-STE's gradient term the weights before the update.
 */
public final class DecoupledSrSte extends Ste {

    @Config(description = "Decay lambda_w on the pruned weights, each step taking lr * lambdaW of them after the update; 0 gives exactly STE.")
    private double lambdaW = 2e-4;

    /**
     * Decoupled SR-STE with lambda_w 2e-4, the paper's value for SR-STE. It pulls more weakly than SR-STE at the same
     * value: SR-STE's term passes through an optimizer's momentum (10x under SGD's 0.9) or Adam's scaling, this step
     * through neither. docs/RESULTS.md matches the two per step.
     */
    public DecoupledSrSte() {
    }

    /**
     * @param lambdaW the decay on pruned weights
     * @throws PropertyException when it is negative or not finite
     */
    public DecoupledSrSte(double lambdaW) {
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
    public void decoupledStepRow(SparseWeights layer, int row, float[] weights, float learningRate, float[] scratch) {
        layer.shrinkPrunedRow(row, weights, learningRate * (float) lambdaW, scratch);
    }

    @Override
    public void decoupledStep(DeviceSparseWeights layer, float learningRate) {
        layer.shrinkPruned(learningRate * (float) lambdaW);
    }
}

package io.github.nmsparse.engine.method;

import io.github.nmsparse.engine.network.SparseWeights;

/** A test method with a decoupled step on the fused executor only: the OPS executor must refuse it, not skip the step. */
public class FusedOnlyDecay extends Ste {

    /** For OLCUT. */
    public FusedOnlyDecay() {
    }

    @Override
    public void decoupledStepRow(SparseWeights layer, int row, float[] weights, float learningRate, float[] scratch) {
        layer.shrinkPrunedRow(row, weights, learningRate, scratch);
    }
}

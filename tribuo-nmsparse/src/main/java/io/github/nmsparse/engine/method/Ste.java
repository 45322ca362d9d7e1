package io.github.nmsparse.engine.method;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import io.github.nmsparse.engine.network.DeviceSparseWeights;
import io.github.nmsparse.engine.network.MaskedLayer;
import io.github.nmsparse.engine.network.SparseWeights;

import java.util.List;

/**
 * STE, the straight-through estimator: the N:M mask is recomputed from the dense weights at every step, the
 * forward pass uses W~ = W * E, and dLoss/dW~ reaches the dense weights unchanged.
 */
public class Ste implements SparsityMethod {

    /** STE has no settings. */
    public Ste() {
    }

    /** Only the first step computes the whole mask; after that each update refreshes it row by row. */
    @Override
    public void beforeStep(List<? extends MaskedLayer> layers, TrainingClock clock) {
        for (MaskedLayer layer : layers) {
            if (!layer.isActive()) {
                layer.refreshMask();
            }
        }
    }

    @Override
    public void afterUpdateRow(SparseWeights layer, int row, float[] weights, float[] scratch) {
        layer.refreshRow(row, weights, scratch);
    }

    @Override
    public void afterUpdate(DeviceSparseWeights layer) {
        layer.refresh();
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "method");
    }

}

package io.github.nmsparse.engine.method;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import io.github.nmsparse.engine.network.MaskedLayer;
import io.github.nmsparse.engine.network.SparseWeights;

import java.util.List;

/** DENSE: no mask at all; the baseline every sparse result is measured against. */
public final class Dense implements SparsityMethod {

    /** Dense training has no settings. */
    public Dense() {
    }

    @Override
    public boolean masksLayers() {
        return false;
    }

    /** Nothing to prepare: no layer carries a mask. */
    @Override
    public void beforeStep(List<? extends MaskedLayer> layers, TrainingClock clock) {
    }

    @Override
    public void afterUpdateRow(SparseWeights layer, int row, float[] weights, float[] scratch) {
        throw new IllegalStateException("dense training has no sparse layers");
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "method");
    }

}

package io.github.nmsparse.engine.method;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import io.github.nmsparse.engine.network.MaskedLayer;
import io.github.nmsparse.engine.network.SparseWeights;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;

import java.io.IOException;
import java.util.List;

/**
 * A test method with state of its own: STE that refreshes the masks only every {@code every}-th step, counting the
 * steps itself. A resumed run that lost the count would refresh on other steps and end differently.
 */
public class CountingSte implements SparsityMethod {

    @Config(description = "Refresh the masks every this many steps.")
    private int every = 3;

    private long steps;

    /** For OLCUT. */
    public CountingSte() {
    }

    /** @param every refresh the masks every this many steps */
    public CountingSte(int every) {
        this.every = every;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (every < 1) {
            throw new PropertyException("", "every", "every must be at least 1, got " + every);
        }
    }

    @Override
    public void beforeStep(List<? extends MaskedLayer> layers, TrainingClock clock) {
        if (steps++ % every == 0) {
            layers.forEach(MaskedLayer::refreshMask);
        }
    }

    @Override
    public void afterUpdateRow(SparseWeights layer, int row, float[] weights, float[] scratch) {
        System.arraycopy(weights, 0, scratch, 0, weights.length);
        layer.maskRow(row, scratch);
        layer.writeMaskedRow(row, scratch);
    }

    @Override
    public void save(StateOutput out) throws IOException {
        out.writeLong(steps);
    }

    @Override
    public void restore(StateInput in) throws IOException {
        steps = in.readLong();
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "method");
    }
}

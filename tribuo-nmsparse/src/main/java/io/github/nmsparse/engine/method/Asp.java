package io.github.nmsparse.engine.method;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import io.github.nmsparse.engine.network.DeviceSparseWeights;
import io.github.nmsparse.engine.network.MaskedLayer;
import io.github.nmsparse.engine.network.SparseWeights;
import org.nd4j.linalg.api.ndarray.INDArray;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;

import java.io.IOException;
import java.util.List;

/**
 * ASP, NVIDIA's recipe: train dense for a share of the epochs, prune once to N:M by magnitude, then fine-tune with
 * the mask fixed, masking both the gradients and the weights at every step. Whether it has pruned is its run state.
 */
public final class Asp implements SparsityMethod {

    @Config(description = "Share of the epochs trained dense before pruning once to N:M; at least one epoch is always left to fine-tune.")
    private double denseFraction = 0.5;

    private boolean pruned;

    /** ASP with half the epochs dense. */
    public Asp() {
    }

    /**
     * @param denseFraction the share of epochs trained dense, in [0, 1)
     * @throws PropertyException when it is outside [0, 1)
     */
    public Asp(double denseFraction) {
        this.denseFraction = denseFraction;
        postConfig();
    }

    /** @throws PropertyException when denseFraction is outside [0, 1) */
    @Override
    public void postConfig() {
        if (!(denseFraction >= 0 && denseFraction < 1)) {
            throw new PropertyException("", "denseFraction", "denseFraction must be in [0, 1), got " + denseFraction);
        }
    }

    /** @return the share of epochs trained dense */
    public double denseFraction() {
        return denseFraction;
    }

    /** @return the first epoch (from 0) trained with the fixed mask: at least one epoch is always left to fine-tune */
    public int pruneEpoch(int epochs) {
        return Math.min(epochs - 1, (int) Math.round(denseFraction * epochs));
    }

    @Override
    public void beforeStep(List<? extends MaskedLayer> layers, TrainingClock clock) {
        if (!pruned && clock.epoch() >= pruneEpoch(clock.epochs())) {
            layers.forEach(MaskedLayer::pruneToCurrentMask);
            pruned = true;
        }
    }

    @Override
    public void refineGradientRow(SparseWeights layer, int row, float[] weights, float[] gradient, float[] scratch) {
        if (pruned) {
            layer.maskRow(row, gradient);
        }
    }

    @Override
    public void afterUpdateRow(SparseWeights layer, int row, float[] weights, float[] scratch) {
        if (pruned) {
            layer.maskRow(row, weights);
            layer.writeMaskedRow(row, weights);
        }
    }

    @Override
    public void refineGradient(DeviceSparseWeights layer, INDArray gradient) {
        if (pruned) {
            layer.maskGradient(gradient);
        }
    }

    @Override
    public void afterUpdate(DeviceSparseWeights layer) {
        if (pruned) {
            layer.maskWeights();
        }
    }

    @Override
    public void save(StateOutput out) throws IOException {
        out.writeBoolean(pruned);
    }

    @Override
    public void restore(StateInput in) throws IOException {
        pruned = in.readBoolean();
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "method");
    }

}

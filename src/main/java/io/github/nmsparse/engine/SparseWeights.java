package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMMask;

import java.nio.FloatBuffer;

/**
 * The N:M state of one sparse layer: dense master weights W, the mask E, and the masked weights W~ = W * E that
 * the forward pass reads while the mask is active. Training methods drive it through the operations below; each
 * is one pass over the layer's off-heap buffers.
 */
public final class SparseWeights {

    private final NMLayout layout;
    private final FloatBuffer master;
    private final FloatBuffer masked;
    private final FloatBuffer gradient;
    private final NMMask mask;
    private boolean active;
    private boolean frozen;
    private long flips;

    SparseWeights(NMLayout layout, FloatBuffer master, FloatBuffer masked, FloatBuffer gradient) {
        this.layout = layout;
        this.master = master;
        this.masked = masked;
        this.gradient = gradient;
        this.mask = NMMask.of(master, layout);
    }

    /** Recomputes the mask from the master weights and writes W~, counting flips (STE and SR-STE, every step). */
    public void refreshMask() {
        flips += mask.update(master, masked);
        active = true;
    }

    /** Adds SR-STE's refinement {@code lambda * (1 - E) * W} to the gradient. */
    public void decayPruned(float lambda) {
        mask.addOnPruned(master, lambda, gradient);
    }

    /**
     * Prunes once to the mask of the current weights and fixes it (ASP). The change from the dense phase shows in
     * the epoch's SAD; it is not counted as step-level flips, since no mask was in use before.
     */
    public void pruneAndFreeze() {
        mask.update(master, masked);
        mask.apply(master, master);
        active = true;
        frozen = true;
    }

    /** Zeroes the gradient of pruned weights (ASP fine-tuning). */
    public void maskGradient() {
        mask.apply(gradient, gradient);
    }

    /** Zeroes pruned master weights and rewrites W~ (ASP fine-tuning, after each update). */
    public void maskWeights() {
        mask.apply(master, master);
        mask.apply(master, masked);
    }

    /** @return whether the forward pass reads the masked weights */
    public boolean isActive() {
        return active;
    }

    /** @return whether the mask is fixed */
    public boolean isFrozen() {
        return frozen;
    }

    /** @return the layer's shape and pattern */
    public NMLayout layout() {
        return layout;
    }

    /** @return the mask the layer would use now: the fixed one, or the N:M mask of the current weights */
    public NMMask currentMask() {
        return frozen ? mask.copy() : NMMask.of(master, layout);
    }

    /** @return the step-level flips counted since the last call, which resets the count */
    public long takeFlips() {
        long taken = flips;
        flips = 0;
        return taken;
    }
}

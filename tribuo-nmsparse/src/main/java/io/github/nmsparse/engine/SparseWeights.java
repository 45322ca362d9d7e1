package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMMask;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * The N:M state of one sparse layer: dense master weights W, the mask E, and the masked weights W~ = W * E that
 * the forward pass reads while the mask is active. Training methods drive it row by row during the fused update
 * (see {@link FusedUpdate}); rows are independent, so different rows may be handled by different threads.
 */
public final class SparseWeights {

    private final NMLayout layout;
    private final FloatBuffer master;
    private final FloatBuffer masked;
    private final NMMask mask;
    private final LongAdder flips = new LongAdder();
    private volatile boolean active;
    private volatile boolean frozen;

    SparseWeights(NMLayout layout, FloatBuffer master, FloatBuffer masked) {
        this.layout = layout;
        this.master = master;
        this.masked = masked;
        this.mask = NMMask.of(master, layout);
    }

    /** Computes the mask of the whole current W and writes W~, counting flips; the forward pass then reads W~. */
    public void refreshMask() {
        flips.add(mask.update(master, masked));
        active = true;
    }

    /**
     * Recomputes one row's mask from its updated weights and writes the row of W~ for the next forward pass
     * (STE and SR-STE, every step).
     *
     * @param row     the row
     * @param weights the row's weights W
     * @param scratch a row-sized array to build the masked row in
     */
    public void refreshRow(int row, float[] weights, float[] scratch) {
        flips.add(mask.updateRow(row, weights, scratch));
        masked.put(row * layout.cols(), scratch, 0, layout.cols());
    }

    /**
     * Adds SR-STE's refinement {@code lambda * (1 - E) * W} to one row's gradient, computed as
     * {@code lambda * (W - W~)}: the same numbers (W~ is W on kept positions and 0 on pruned ones), in a loop
     * without per-position mask logic that the JIT can vectorize.
     *
     * @param row      the row
     * @param weights  the row of W
     * @param gradient the row's gradient, refined in place
     * @param lambda   the decay
     * @param scratch  a row-sized array to read the row of W~ into
     */
    public void decayPrunedRow(int row, float[] weights, float[] gradient, float lambda, float[] scratch) {
        int cols = layout.cols();
        masked.get(row * cols, scratch, 0, cols);
        for (int i = 0; i < cols; i++) {
            gradient[i] += lambda * (weights[i] - scratch[i]);
        }
    }

    /** Zeroes the pruned positions of one row of values (a gradient or the weights). */
    public void maskRow(int row, float[] values) {
        mask.applyRow(row, values);
    }

    /** Writes one row of W~ from the row's (already masked) weights. */
    public void writeMaskedRow(int row, float[] values) {
        masked.put(row * layout.cols(), values, 0, layout.cols());
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

    /** @return a copy of the mask in use, flags apart (what a checkpoint saves) */
    NMMask maskInUse() {
        return mask.copy();
    }

    /** @return the masked weights W~, the buffer itself */
    FloatBuffer maskedWeights() {
        return masked;
    }

    /**
     * Restores the state a checkpoint saved: the mask in use and whether it is active and fixed. W and W~ are
     * restored by the caller, into the buffers themselves.
     */
    void restore(NMMask saved, boolean wasActive, boolean wasFrozen) {
        mask.copyFrom(saved);
        active = wasActive;
        frozen = wasFrozen;
    }

    /** @return the step-level flips counted since the last call, which resets the count */
    public long takeFlips() {
        return flips.sumThenReset();
    }
}

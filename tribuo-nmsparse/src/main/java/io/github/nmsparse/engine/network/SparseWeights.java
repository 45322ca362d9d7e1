package io.github.nmsparse.engine.network;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMMask;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;
import io.github.nmsparse.engine.state.TrainingState;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * The N:M state of one sparse layer: dense master weights W, the mask E in use, and the masked weights W~ = W * E
 * that the forward pass reads once the mask is active. Training methods drive it, row by row during the fused
 * update; rows are independent, so different rows may be handled by different threads. Its state (mask, W~, whether
 * the mask is active) is saved in checkpoints; W itself is the weight parameter's.
 */
public final class SparseWeights implements TrainingState, MaskedLayer {

    private final NMLayout layout;
    private final FloatBuffer master;
    private final FloatBuffer masked;
    private final NMMask mask;
    private final LongAdder flips = new LongAdder();
    private volatile boolean active;

    SparseWeights(NMLayout layout, FloatBuffer master, FloatBuffer masked) {
        this.layout = layout;
        this.master = master;
        this.masked = masked;
        this.mask = NMMask.of(master, layout);
    }

    /** Computes the mask of the whole current W and writes W~, counting flips; the forward pass then reads W~. */
    @Override
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

    /**
     * Shrinks the pruned weights of one row, {@code W <- W - factor * (1 - E) * W}, computed as
     * {@code W - factor * (W - E * W)}: kept weights are left exactly as they are.
     *
     * @param row     the row
     * @param weights the row of W, changed in place
     * @param factor  the share of each pruned weight taken off
     * @param scratch a row-sized array to build the row's kept weights in
     */
    public void shrinkPrunedRow(int row, float[] weights, float factor, float[] scratch) {
        int cols = layout.cols();
        System.arraycopy(weights, 0, scratch, 0, cols);
        mask.applyRow(row, scratch);
        for (int i = 0; i < cols; i++) {
            weights[i] -= factor * (weights[i] - scratch[i]);
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
     * Prunes once to the mask of the current weights (ASP): W itself is masked and the mask becomes active. The change
     * shows in the epoch's SAD; it is not counted as step-level flips, since no mask was in use before.
     */
    @Override
    public void pruneToCurrentMask() {
        mask.update(master, masked);
        mask.apply(master, master);
        active = true;
    }

    /** @return whether the forward pass reads the masked weights */
    @Override
    public boolean isActive() {
        return active;
    }

    /** @return the layer's shape and pattern */
    public NMLayout layout() {
        return layout;
    }

    /**
     * @return the mask the layer has now: the mask in use once it is active (a fixed one stays fixed), before that
     *         the N:M mask of the current weights
     */
    public NMMask currentMask() {
        return active ? mask.copy() : NMMask.of(master, layout);
    }

    /** @param count flips counted elsewhere: by the replicas of a data-parallel run, whose masks this layer's stand for */
    public void addFlips(long count) {
        flips.add(count);
    }

    /** @return the step-level flips counted since the last call, which resets the count */
    public long takeFlips() {
        return flips.sumThenReset();
    }

    /** @return the mask in use as 0/1 values, row-major: the ops executor's form */
    float[] maskValues() {
        float[] values = new float[Math.toIntExact(layout.size())];
        Arrays.fill(values, 1f);
        mask.apply(FloatBuffer.wrap(values), FloatBuffer.wrap(values));
        return values;
    }

    /**
     * Takes the state the ops executor trained: its mask as 0/1 values, its W~, whether the mask is active, and the
     * flips it counted.
     */
    void setFromDevice(float[] maskValues, float[] maskedWeights, boolean active, long flipsCounted) {
        int perRow = layout.groupsPerRow();
        int m = layout.pattern().m();
        int[] bits = new int[layout.groupCount()];
        for (int r = 0; r < layout.rows(); r++) {
            for (int c = 0; c < layout.cols(); c++) {
                if (maskValues[r * layout.cols() + c] != 0f) {
                    bits[r * perRow + c / m] |= 1 << (c % m);
                }
            }
        }
        mask.copyFrom(NMMask.fromGroupBits(layout, bits));
        masked.put(0, maskedWeights);
        this.active = active;
        flips.add(flipsCounted);
    }

    /** @return the masked weights W~, the buffer itself */
    FloatBuffer maskedWeights() {
        return masked;
    }

    @Override
    public void save(StateOutput out) throws IOException {
        out.writeMask(mask);
        out.writeFloats(masked, Math.toIntExact(layout.size()));
        out.writeBoolean(active);
    }

    @Override
    public void restore(StateInput in) throws IOException {
        mask.copyFrom(in.readMask(layout, "the mask of a " + layout.rows() + "x" + layout.cols() + " layer"));
        in.readFloats(masked, Math.toIntExact(layout.size()), "the masked weights of a " + layout.rows() + "x" + layout.cols() + " layer");
        active = in.readBoolean();
    }
}

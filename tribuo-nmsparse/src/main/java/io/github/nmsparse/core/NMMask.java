package io.github.nmsparse.core;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The N:M mask of a row-major weight matrix, one {@code int} of bits per group (bit j: the group's weight j is
 * kept). Weights are read through {@link FloatBuffer}s, so the same code runs over heap arrays and over the
 * off-heap buffers of a tensor library without copies.
 */
public final class NMMask {

    /** Layers at least this large are split over threads; below it, the hand-off costs more than it saves. */
    private static final long PARALLEL_THRESHOLD = 1 << 16;
    private static final int PARALLELISM = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private final NMLayout layout;
    private final int[] groupBits;

    private NMMask(NMLayout layout, int[] groupBits) {
        this.layout = layout;
        this.groupBits = groupBits;
    }

    /**
     * Computes the mask of a weight matrix: in each group, keep the {@code n} weights of largest magnitude, and
     * the lower index on ties.
     *
     * @param weights the row-major weights, {@code layout.size()} of them from index 0
     * @param layout  the shape and pattern
     * @return the mask
     */
    public static NMMask of(FloatBuffer weights, NMLayout layout) {
        NMMask mask = new NMMask(layout, new int[layout.groupCount()]);
        mask.update(weights, null);
        return mask;
    }

    /**
     * Recomputes this mask from new weights in one pass, optionally writing the masked weights, and counts how
     * many weights changed state. This is the per-step work of STE and SR-STE.
     *
     * @param weights the dense (master) weights
     * @param masked  where to write {@code weights * mask}, or null
     * @return the number of weights whose kept/pruned state flipped
     */
    public long update(FloatBuffer weights, FloatBuffer masked) {
        layout.requireFits(weights);
        if (masked != null) {
            layout.requireFits(masked);
        }
        int rows = layout.rows();
        int chunks = layout.size() < PARALLEL_THRESHOLD ? 1 : Math.min(rows, PARALLELISM);
        if (chunks == 1) {
            return updateRows(weights, masked, 0, rows);
        }
        // Rows are independent, so the mask and the flip count do not depend on how the rows are split.
        return IntStream.range(0, chunks).parallel()
                .mapToLong(c -> updateRows(weights, masked, c * rows / chunks, (c + 1) * rows / chunks)).sum();
    }

    private long updateRows(FloatBuffer weights, FloatBuffer masked, int fromRow, int toRow) {
        int cols = layout.cols();
        // Rows are copied in bulk: element-wise access to a direct buffer costs several times more.
        float[] row = new float[cols];
        float[] maskedRow = masked == null ? null : new float[cols];
        long flips = 0;
        for (int r = fromRow; r < toRow; r++) {
            weights.get(r * cols, row, 0, cols);
            flips += updateRow(r, row, maskedRow);
            if (masked != null) {
                masked.put(r * cols, maskedRow, 0, cols);
            }
        }
        return flips;
    }

    /**
     * Recomputes one row's groups from that row's weights. Different rows may be updated from different threads.
     *
     * @param row     the row
     * @param weights the row's weights, {@code cols} of them; left unchanged
     * @param masked  where to write the row's masked weights, or null
     * @return the number of weights of the row whose kept/pruned state flipped
     */
    public long updateRow(int row, float[] weights, float[] masked) {
        int perRow = layout.groupsPerRow();
        int cols = layout.cols();
        int firstBits = row * perRow;
        // The kernels zero pruned weights in place, so they work on the masked copy (or a scratch one).
        float[] work = masked != null ? masked : new float[cols];
        System.arraycopy(weights, 0, work, 0, cols);
        long flips = 0;
        int fastGroups = 0;
        if (layout.pattern().n() == 2 && layout.pattern().m() == 4) {
            fastGroups = cols / 4;
            flips += GroupSelector.twoOfFourRow(work, fastGroups, groupBits, firstBits, true);
        }
        for (int gr = fastGroups; gr < perRow; gr++) {
            flips += updateGroup(work, gr, firstBits + gr);
        }
        return flips;
    }

    private int updateGroup(float[] row, int groupInRow, int g) {
        int start = groupInRow * layout.pattern().m();
        int width = layout.width(groupInRow);
        int bits = GroupSelector.select(row, start, width, layout.keep(groupInRow));
        int flips = Integer.bitCount(bits ^ groupBits[g]);
        groupBits[g] = bits;
        zeroPruned(row, start, width, bits);
        return flips;
    }

    private static void zeroPruned(float[] row, int start, int width, int bits) {
        for (int j = 0; j < width; j++) {
            // Branch-free: a kept weight's bits AND all ones, a pruned one's AND zero (+0.0f).
            int keep = -((bits >>> j) & 1);
            row[start + j] = Float.intBitsToFloat(Float.floatToRawIntBits(row[start + j]) & keep);
        }
    }

    /**
     * Zeroes the pruned positions of one row in place.
     *
     * @param row    the row
     * @param values the row's values
     */
    public void applyRow(int row, float[] values) {
        int perRow = layout.groupsPerRow();
        int m = layout.pattern().m();
        for (int gr = 0; gr < perRow; gr++) {
            zeroPruned(values, gr * m, layout.width(gr), groupBits[row * perRow + gr]);
        }
    }

    /**
     * Writes {@code source * mask} into {@code target}; the two may be the same buffer.
     *
     * @param source the weights to mask
     * @param target where to write
     */
    public void apply(FloatBuffer source, FloatBuffer target) {
        layout.requireFits(source);
        layout.requireFits(target);
        int cols = layout.cols();
        float[] row = new float[cols];
        for (int r = 0; r < layout.rows(); r++) {
            source.get(r * cols, row, 0, cols);
            applyRow(r, row);
            target.put(r * cols, row, 0, cols);
        }
    }

    /**
     * Sparse Architecture Divergence: the number of weights whose kept/pruned state differs,
     * {@code ||E_this - E_other||_1}.
     *
     * @param other a mask of the same layout
     * @return the count of differing positions
     */
    public long divergence(NMMask other) {
        requireSameLayout(other);
        long sad = 0;
        for (int g = 0; g < groupBits.length; g++) {
            sad += Integer.bitCount(groupBits[g] ^ other.groupBits[g]);
        }
        return sad;
    }

    /**
     * @param group the group's index, row-major over all groups
     * @param other a mask of the same layout
     * @return the divergence within one group
     */
    public int groupDivergence(int group, NMMask other) {
        requireSameLayout(other);
        return Integer.bitCount(groupBits[group] ^ other.groupBits[group]);
    }

    /** @return true when every group keeps at most {@code n} weights */
    public boolean isValid() {
        int perRow = layout.groupsPerRow();
        for (int g = 0; g < groupBits.length; g++) {
            if (Integer.bitCount(groupBits[g]) > layout.keep(g % perRow)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param row an output unit
     * @param col an input
     * @return whether the weight at {@code (row, col)} is kept
     */
    public boolean isKept(int row, int col) {
        if (row < 0 || row >= layout.rows() || col < 0 || col >= layout.cols()) {
            throw new IndexOutOfBoundsException("(" + row + ", " + col + ") is outside the " + layout.rows() + "x" + layout.cols() + " layer");
        }
        int m = layout.pattern().m();
        return (groupBits[row * layout.groupsPerRow() + col / m] & (1 << (col % m))) != 0;
    }

    /**
     * @param group the group's index, row-major over all groups
     * @return the group's bits: bit j set when its weight j is kept
     */
    public int groupBits(int group) {
        return groupBits[group];
    }

    /** @return the number of kept weights */
    public long keptCount() {
        long kept = 0;
        for (int bits : groupBits) {
            kept += Integer.bitCount(bits);
        }
        return kept;
    }

    /** @return the layout */
    public NMLayout layout() {
        return layout;
    }

    /** @return a copy of every group's bits, row-major over the groups: what {@link #fromGroupBits} reads */
    public int[] toGroupBits() {
        return groupBits.clone();
    }

    /**
     * Rebuilds a saved mask, checking it.
     *
     * @param layout the shape and pattern
     * @param bits   every group's bits, as {@link #toGroupBits()} gives them
     * @return the mask
     * @throws IllegalArgumentException when the count is wrong, or a group keeps a position outside it or more than
     *                                  the pattern allows
     */
    public static NMMask fromGroupBits(NMLayout layout, int[] bits) {
        if (bits.length != layout.groupCount()) {
            throw new IllegalArgumentException("a mask of " + layout + " has " + layout.groupCount() + " groups, got " + bits.length);
        }
        int perRow = layout.groupsPerRow();
        for (int g = 0; g < bits.length; g++) {
            int width = layout.width(g % perRow);
            if ((width < 32 && (bits[g] >>> width) != 0) || Integer.bitCount(bits[g]) > layout.keep(g % perRow)) {
                throw new IllegalArgumentException("group " + g + " of the saved mask is not " + layout.pattern()
                        + " (bits " + Integer.toBinaryString(bits[g]) + ", width " + width + ")");
            }
        }
        return new NMMask(layout, bits.clone());
    }

    /**
     * Makes this mask equal to another of the same layout.
     *
     * @param other the mask to copy
     */
    public void copyFrom(NMMask other) {
        requireSameLayout(other);
        System.arraycopy(other.groupBits, 0, groupBits, 0, groupBits.length);
    }

    /** @return an independent copy */
    public NMMask copy() {
        return new NMMask(layout, groupBits.clone());
    }

    private void requireSameLayout(NMMask other) {
        if (!layout.equals(other.layout)) {
            throw new IllegalArgumentException("masks of different layouts: " + layout + " and " + other.layout);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NMMask other && layout.equals(other.layout) && Arrays.equals(groupBits, other.groupBits);
    }

    @Override
    public int hashCode() {
        return 31 * layout.hashCode() + Arrays.hashCode(groupBits);
    }
}

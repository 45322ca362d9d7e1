package io.github.nmsparse.core;

/**
 * The default kernel, in plain Java: each row sums its kept weights times the inputs their columns pick. It reads the
 * compressed matrix's own value slots, not a copy, and each slot's column, unpacked once when this is built: decoding
 * the packed positions on every product cost about as much time as the multiply-adds themselves (BENCHMARKS.md).
 * Columns take 2 bytes a slot for up to 65,536 columns, 4 beyond.
 */
final class RowGatherKernel implements NMKernel {

    /** Columns fit a {@code char} up to here. */
    private static final int NARROW_COLUMNS = 1 << 16;

    private final NMLayout layout;
    private final float[] values;
    private final char[] narrowColumns;
    private final int[] wideColumns;

    /**
     * @param layout  the matrix's shape and pattern
     * @param values  its value slots, row by row, shared
     * @param columns each slot's column; padding slots name their group's first column and hold 0
     */
    RowGatherKernel(NMLayout layout, float[] values, int[] columns) {
        this.layout = layout;
        this.values = values;
        if (layout.cols() <= NARROW_COLUMNS) {
            narrowColumns = new char[columns.length];
            for (int s = 0; s < columns.length; s++) {
                narrowColumns[s] = (char) columns[s];
            }
            wideColumns = null;
        } else {
            narrowColumns = null;
            wideColumns = columns;
        }
    }

    @Override
    public void multiply(float[] x, float[] y) {
        int slotsPerRow = layout.groupsPerRow() * layout.pattern().n();
        for (int row = 0; row < layout.rows(); row++) {
            int first = row * slotsPerRow;
            y[row] = narrowColumns != null ? narrowDot(x, first, first + slotsPerRow) : wideDot(x, first, first + slotsPerRow);
        }
    }

    /**
     * One row's sum over its slots. Padding slots hold 0 at their group's first column, so they add nothing and need
     * no branch. Eight partial sums, because fewer make each multiply-add wait for an earlier addition. (An offset
     * into {@code x} added to every column made the loop 1.5x slower.)
     */
    private float narrowDot(float[] x, int slot, int end) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        for (; slot + 7 < end; slot += 8) {
            s0 += values[slot] * x[narrowColumns[slot]];
            s1 += values[slot + 1] * x[narrowColumns[slot + 1]];
            s2 += values[slot + 2] * x[narrowColumns[slot + 2]];
            s3 += values[slot + 3] * x[narrowColumns[slot + 3]];
            s4 += values[slot + 4] * x[narrowColumns[slot + 4]];
            s5 += values[slot + 5] * x[narrowColumns[slot + 5]];
            s6 += values[slot + 6] * x[narrowColumns[slot + 6]];
            s7 += values[slot + 7] * x[narrowColumns[slot + 7]];
        }
        for (; slot < end; slot++) {
            s0 += values[slot] * x[narrowColumns[slot]];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** {@link #narrowDot} for matrices of more than 65,536 columns. */
    private float wideDot(float[] x, int slot, int end) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        for (; slot + 7 < end; slot += 8) {
            s0 += values[slot] * x[wideColumns[slot]];
            s1 += values[slot + 1] * x[wideColumns[slot + 1]];
            s2 += values[slot + 2] * x[wideColumns[slot + 2]];
            s3 += values[slot + 3] * x[wideColumns[slot + 3]];
            s4 += values[slot + 4] * x[wideColumns[slot + 4]];
            s5 += values[slot + 5] * x[wideColumns[slot + 5]];
            s6 += values[slot + 6] * x[wideColumns[slot + 6]];
            s7 += values[slot + 7] * x[wideColumns[slot + 7]];
        }
        for (; slot < end; slot++) {
            s0 += values[slot] * x[wideColumns[slot]];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    @Override
    public long addedBytes() {
        return narrowColumns != null ? 2L * narrowColumns.length : 4L * wideColumns.length;
    }

    @Override
    public String describe() {
        return "row gather";
    }
}

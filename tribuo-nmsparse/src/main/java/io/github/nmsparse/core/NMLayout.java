package io.github.nmsparse.core;

import java.nio.FloatBuffer;

/**
 * How an N:M pattern cuts a row-major weight matrix {@code W[rows][cols]} into groups. Each row (one output
 * unit) is cut into groups of {@code m} consecutive input weights; when {@code cols} is not a multiple of
 * {@code m}, the row's last group is shorter and keeps {@code min(n, width)}. A group never spans two rows.
 *
 * @param rows    the number of output units
 * @param cols    the number of inputs, the dimension the groups run along
 * @param pattern the N:M pattern
 */
public record NMLayout(int rows, int cols, NMPattern pattern) {

    /** Checks the shape. */
    public NMLayout {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("layer shape " + rows + "x" + cols + ": both dimensions must be at least 1");
        }
        if ((long) rows * cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("layer shape " + rows + "x" + cols + " has more than " + Integer.MAX_VALUE + " weights");
        }
        if (pattern == null) {
            throw new IllegalArgumentException("layer " + rows + "x" + cols + " has no N:M pattern");
        }
    }

    /**
     * @param buffer a buffer meant to hold this layout's weights from index 0
     * @throws IllegalArgumentException when it is too small
     */
    public void requireFits(FloatBuffer buffer) {
        if (buffer.limit() < size()) {
            throw new IllegalArgumentException("buffer of " + buffer.limit() + " floats is too small for a "
                    + rows + "x" + cols + " layer");
        }
    }

    /** @return groups in one row, {@code ceil(cols / m)} */
    public int groupsPerRow() {
        return (cols + pattern.m() - 1) / pattern.m();
    }

    /** @return groups in the whole matrix */
    public int groupCount() {
        return rows * groupsPerRow();
    }

    /** @return the number of weights, {@code rows * cols} */
    public long size() {
        return (long) rows * cols;
    }

    /**
     * @param groupInRow the group's position in its row
     * @return the number of weights in that group: {@code m}, or fewer for a trailing partial group
     */
    public int width(int groupInRow) {
        return Math.min(pattern.m(), cols - groupInRow * pattern.m());
    }

    /**
     * @param groupInRow the group's position in its row
     * @return the most weights that group may keep, {@code min(n, width)}
     */
    public int keep(int groupInRow) {
        return Math.min(pattern.n(), width(groupInRow));
    }

    /** @return the most non-zero weights the whole matrix may hold under the pattern */
    public long maxKept() {
        int full = cols / pattern.m();
        int rest = cols % pattern.m();
        return (long) rows * (full * pattern.n() + Math.min(pattern.n(), rest));
    }
}

package io.github.nmsparse.engine.network;

import java.nio.FloatBuffer;

/**
 * A trainable row-major tensor and its gradient, as the update step sees them: read and written a row at a time.
 * The weights of a sparse layer carry the layer's {@link SparseWeights}. Only the network creates them; an
 * optimizer keys its per-element state by {@link #index()}.
 */
public final class Parameter {

    private final FloatBuffer value;
    private final FloatBuffer gradient;
    private final int rows;
    private final int cols;
    private final boolean decays;
    private final SparseWeights sparse;
    private int index = -1;

    Parameter(FloatBuffer value, FloatBuffer gradient, int rows, int cols, boolean decays, SparseWeights sparse) {
        this.value = value;
        this.gradient = gradient;
        this.rows = rows;
        this.cols = cols;
        this.decays = decays;
        this.sparse = sparse;
    }

    void setIndex(int index) {
        this.index = index;
    }

    /** @return the parameter's position in its network's parameter list */
    public int index() {
        return index;
    }

    /** @return rows */
    public int rows() {
        return rows;
    }

    /** @return values per row */
    public int cols() {
        return cols;
    }

    /** @return rows x cols */
    public int size() {
        return rows * cols;
    }

    /** @return whether weight decay applies (weights); biases and normalization scales are not decayed */
    public boolean decays() {
        return decays;
    }

    /** @return the N:M state when this is a sparse layer's weight matrix, otherwise null */
    public SparseWeights sparse() {
        return sparse;
    }

    /** Copies one row of the values into {@code into}. */
    public void readRow(int row, float[] into) {
        value.get(row * cols, into, 0, cols);
    }

    /** Copies one row of the gradient into {@code into}. */
    public void readGradientRow(int row, float[] into) {
        gradient.get(row * cols, into, 0, cols);
    }

    /** Replaces one row of the values. */
    public void writeRow(int row, float[] from) {
        value.put(row * cols, from, 0, cols);
    }

    /** @return the first value that is not finite, or null when all are */
    public Float firstNonFinite() {
        for (int i = 0; i < size(); i++) {
            float v = value.get(i);
            if (!Float.isFinite(v)) {
                return v;
            }
        }
        return null;
    }

    FloatBuffer values() {
        return value;
    }

    FloatBuffer gradients() {
        return gradient;
    }
}

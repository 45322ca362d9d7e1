package io.github.nmsparse.engine;

import java.nio.FloatBuffer;

/**
 * A trainable row-major tensor, its gradient, the optimizer's per-element state, and, for the weights of a sparse
 * layer, the layer's N:M state. Only the engine creates them.
 */
public final class Parameter {

    final FloatBuffer value;
    final FloatBuffer gradient;
    final int rows;
    final int cols;
    /** Whether weight decay applies; biases are not decayed. */
    final boolean decays;
    /** The N:M state when this is a sparse layer's weight matrix, otherwise null. */
    final SparseWeights sparse;
    private float[] firstMoment;
    private float[] secondMoment;

    Parameter(FloatBuffer value, FloatBuffer gradient, int rows, int cols, boolean decays, SparseWeights sparse) {
        this.value = value;
        this.gradient = gradient;
        this.rows = rows;
        this.cols = cols;
        this.decays = decays;
        this.sparse = sparse;
    }

    int size() {
        return rows * cols;
    }

    /** @return whether the optimizer has created its per-element state yet */
    synchronized boolean hasMoments() {
        return firstMoment != null || secondMoment != null;
    }

    synchronized float[] firstMoment() {
        if (firstMoment == null) {
            firstMoment = new float[size()];
        }
        return firstMoment;
    }

    synchronized float[] secondMoment() {
        if (secondMoment == null) {
            secondMoment = new float[size()];
        }
        return secondMoment;
    }
}

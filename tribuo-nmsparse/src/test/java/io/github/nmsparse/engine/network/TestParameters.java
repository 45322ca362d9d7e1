package io.github.nmsparse.engine.network;

import io.github.nmsparse.core.NMLayout;

import java.nio.FloatBuffer;

/** Parameters and sparse layers over plain arrays, for tests of the optimizers and methods that drive them. */
public final class TestParameters {

    private TestParameters() {
    }

    /**
     * @param values   the values, row-major, used in place
     * @param gradient the gradient, same shape, used in place
     * @param rows     rows
     * @param decays   whether weight decay applies
     * @param sparse   the N:M state, or null
     * @param index    its index among the parameters an optimizer is initialised with
     * @return the parameter
     */
    public static Parameter parameter(float[] values, float[] gradient, int rows, boolean decays, SparseWeights sparse, int index) {
        Parameter p = new Parameter(FloatBuffer.wrap(values), FloatBuffer.wrap(gradient), rows, values.length / rows, decays, sparse);
        p.setIndex(index);
        return p;
    }

    /** @return the masked weights W~ a sparse layer's forward pass multiplies by, the buffer itself */
    public static FloatBuffer maskedWeights(SparseWeights layer) {
        return layer.maskedWeights();
    }

    /**
     * @param layout the layer's shape and pattern
     * @param master W, used in place
     * @param masked W~, used in place
     * @return the layer's N:M state
     */
    public static SparseWeights sparseWeights(NMLayout layout, float[] master, float[] masked) {
        return new SparseWeights(layout, FloatBuffer.wrap(master), FloatBuffer.wrap(masked));
    }
}

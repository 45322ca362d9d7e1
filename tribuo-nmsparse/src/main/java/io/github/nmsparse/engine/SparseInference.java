package io.github.nmsparse.engine;

import java.util.List;

/**
 * Prediction of one or a few examples straight from the compressed N:M layers, in Java: a 2:4 layer does half
 * the multiply-adds of its dense form, no dense copy of the weights exists, and no tensor-library call is made.
 * For large batches the dense GEMM path of {@link Mlp} is faster.
 */
public final class SparseInference {

    private final NetworkSnapshot snapshot;

    /**
     * @param snapshot the network's inference weights, used in place
     */
    public SparseInference(NetworkSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    /**
     * Predicts a block of rows.
     *
     * @param features row-major inputs
     * @param rows     the number of rows
     * @return the raw outputs, row-major
     */
    public float[] predict(float[] features, int rows) {
        List<NetworkSnapshot.LayerSnapshot> layers = snapshot.layers();
        int inputs = layers.get(0).inputs();
        if (features.length != rows * inputs) {
            throw new IllegalArgumentException("expected " + rows + " x " + inputs + " features, got " + features.length);
        }
        int outputs = layers.get(layers.size() - 1).outputs();
        float[] result = new float[rows * outputs];
        for (int r = 0; r < rows; r++) {
            float[] y = new float[inputs];
            System.arraycopy(features, r * inputs, y, 0, inputs);
            for (int l = 0; l < layers.size(); l++) {
                NetworkSnapshot.LayerSnapshot layer = layers.get(l);
                float[] out = new float[layer.outputs()];
                layer.affine(y, out);
                if (l < layers.size() - 1) {
                    snapshot.activation().forward(out, out, out.length);
                }
                y = out;
            }
            System.arraycopy(y, 0, result, r * outputs, outputs);
        }
        return result;
    }

    /** @return the multiply-adds of one example: the value slots of sparse layers, every weight of dense ones */
    public long multiplyAdds() {
        return snapshot.layers().stream().mapToLong(layer -> layer.sparse()
                ? (long) layer.compressed().layout().groupCount() * layer.pattern().n()
                : (long) layer.inputs() * layer.outputs()).sum();
    }
}

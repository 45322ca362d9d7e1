package io.github.nmsparse.engine;

import java.util.List;

/**
 * Prediction of one or a few examples straight from the kept weights, in Java: each layer holds, row by row, only
 * its non-zero weights and their columns, so a 2:4 layer does half the multiply-adds of its dense form and no
 * tensor-library call is made. For large batches the dense GEMM path of {@link Mlp} is faster.
 */
public final class SparseInference {

    private final List<LayerSnapshotKernel> layers;
    private final Activation activation;

    private record LayerSnapshotKernel(int inputs, int outputs, int[] rowStart, int[] columns, float[] values, float[] biases) {
    }

    /**
     * @param snapshot the network's inference weights
     */
    public SparseInference(NetworkSnapshot snapshot) {
        this.activation = snapshot.activation();
        this.layers = snapshot.layers().stream().map(SparseInference::compress).toList();
    }

    private static LayerSnapshotKernel compress(NetworkSnapshot.LayerSnapshot layer) {
        float[] w = layer.weights();
        int kept = 0;
        for (float v : w) {
            kept += v != 0f ? 1 : 0;
        }
        int[] rowStart = new int[layer.outputs() + 1];
        int[] columns = new int[kept];
        float[] values = new float[kept];
        int k = 0;
        for (int o = 0; o < layer.outputs(); o++) {
            rowStart[o] = k;
            for (int i = 0; i < layer.inputs(); i++) {
                float v = w[o * layer.inputs() + i];
                if (v != 0f) {
                    columns[k] = i;
                    values[k] = v;
                    k++;
                }
            }
        }
        rowStart[layer.outputs()] = k;
        return new LayerSnapshotKernel(layer.inputs(), layer.outputs(), rowStart, columns, values, layer.biases());
    }

    /**
     * Predicts a block of rows.
     *
     * @param features row-major inputs
     * @param rows     the number of rows
     * @return the raw outputs, row-major
     */
    public float[] predict(float[] features, int rows) {
        int inputs = layers.get(0).inputs();
        if (features.length != rows * inputs) {
            throw new IllegalArgumentException("expected " + rows + " x " + inputs + " features, got " + features.length);
        }
        int outputs = layers.get(layers.size() - 1).outputs();
        float[] result = new float[rows * outputs];
        float[] x = new float[inputs];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(features, r * inputs, x, 0, inputs);
            float[] y = x;
            for (int l = 0; l < layers.size(); l++) {
                LayerSnapshotKernel layer = layers.get(l);
                float[] out = new float[layer.outputs()];
                int[] rowStart = layer.rowStart();
                int[] columns = layer.columns();
                float[] values = layer.values();
                for (int o = 0; o < layer.outputs(); o++) {
                    // Four partial sums: one would make every multiply-add wait for the previous addition.
                    float s0 = 0f;
                    float s1 = 0f;
                    float s2 = 0f;
                    float s3 = 0f;
                    int k = rowStart[o];
                    int end = rowStart[o + 1];
                    for (; k + 3 < end; k += 4) {
                        s0 += values[k] * y[columns[k]];
                        s1 += values[k + 1] * y[columns[k + 1]];
                        s2 += values[k + 2] * y[columns[k + 2]];
                        s3 += values[k + 3] * y[columns[k + 3]];
                    }
                    for (; k < end; k++) {
                        s0 += values[k] * y[columns[k]];
                    }
                    out[o] = (s0 + s1) + (s2 + s3) + layer.biases()[o];
                }
                if (l < layers.size() - 1) {
                    activation.forward(out, out, out.length);
                }
                y = out;
            }
            System.arraycopy(y, 0, result, r * outputs, outputs);
        }
        return result;
    }

    /** @return the multiply-adds of one example: the non-zero weights */
    public long multiplyAdds() {
        return layers.stream().mapToLong(layer -> layer.values().length).sum();
    }
}

package io.github.nmsparse.engine.network;

import java.util.ArrayList;
import java.util.List;

/**
 * Prediction of one or a few examples straight from the compressed N:M layers, in Java: a 2:4 layer does half the
 * multiply-adds of its dense form, no dense copy of the weights exists, and no tensor-library call is made. It runs
 * networks of dense layers and activations (multi-layer perceptrons); for large batches the dense GEMM path of
 * {@link Network} is faster. {@link NetworkSnapshot#sparseKernel()} gives it.
 */
final class SparseInference implements Predictor {

    private final List<BlockSnapshot> blocks;
    private final List<BlockSpec> specs;
    private final int inputs;
    private final int outputs;

    /**
     * @param snapshot the network's prediction weights, used in place
     * @throws IllegalArgumentException when the network has blocks other than dense layers, activations and flatten
     */
    SparseInference(NetworkSnapshot snapshot) {
        if (!supports(snapshot)) {
            throw new IllegalArgumentException("the N:M kernel runs dense layers and activations only, not " + snapshot.describe());
        }
        this.blocks = snapshot.blocks();
        this.specs = snapshot.specs();
        this.inputs = snapshot.input().size();
        this.outputs = snapshot.output().size();
    }

    /** @return whether the kernel can run the network: only dense layers, activations and flatten */
    static boolean supports(NetworkSnapshot snapshot) {
        return snapshot.input().isVector() && snapshot.specs().stream().allMatch(spec -> spec instanceof DenseBlock.Spec
                || spec instanceof ActivationBlock.Spec || spec instanceof FlattenBlock.Spec);
    }

    @Override
    public float[] predict(float[] features, int rows) {
        if (features.length != rows * inputs) {
            throw new IllegalArgumentException("expected " + rows + " x " + inputs + " features, got " + features.length);
        }
        float[] result = new float[rows * outputs];
        for (int r = 0; r < rows; r++) {
            float[] y = new float[inputs];
            System.arraycopy(features, r * inputs, y, 0, inputs);
            for (int b = 0; b < blocks.size(); b++) {
                BlockSpec spec = specs.get(b);
                if (spec instanceof DenseBlock.Spec dense) {
                    float[] out = new float[dense.units()];
                    blocks.get(b).weights().affine(y, out);
                    y = out;
                } else if (spec instanceof ActivationBlock.Spec activation) {
                    activation.activation().forward(y, y, y.length);
                }
            }
            System.arraycopy(y, 0, result, r * outputs, outputs);
        }
        return result;
    }

    /** @return the multiply-adds of one example: the value slots of sparse layers, every weight of dense ones */
    long multiplyAdds() {
        List<LayerWeights> layers = new ArrayList<>();
        blocks.forEach(block -> {
            if (block.weights() != null) {
                layers.add(block.weights());
            }
        });
        return layers.stream().mapToLong(LayerWeights::multiplyAdds).sum();
    }
}

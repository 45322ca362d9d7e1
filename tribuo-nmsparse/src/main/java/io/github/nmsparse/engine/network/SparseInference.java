package io.github.nmsparse.engine.network;

import io.github.nmsparse.core.NMVectorProduct;

import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Prediction of one or a few examples straight from the compressed N:M layers, in Java: a 2:4 layer does half the
 * multiply-adds of its dense form, no dense copy of the weights exists, and no tensor-library call is made. It runs
 * networks of dense layers and activations (multi-layer perceptrons); for large batches the dense GEMM path of
 * {@link Network} is faster. {@link NetworkSnapshot#sparseKernel()} gives it. Safe to share between threads.
 */
final class SparseInference implements Predictor {

    private final List<BlockSnapshot> blocks;
    private final List<BlockSpec> specs;
    private final int inputs;
    private final int outputs;
    private final int widest;
    /**
     * Each block's {@link NMVectorProduct}, null where the block has none: the sparse layers' columns unpacked
     * (2 bytes a kept weight), built at the first prediction and kept softly, so that a model in memory holds only its
     * compressed layers and the JVM may free this under memory pressure (it is built again when next needed).
     */
    private volatile SoftReference<NMVectorProduct[]> products = new SoftReference<>(null);

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
        this.widest = Math.max(inputs, blocks.stream().filter(block -> block.weights() != null)
                .mapToInt(block -> block.weights().outputs()).max().orElse(0));
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
        NMVectorProduct[] layerProducts = products();
        float[] result = new float[rows * outputs];
        float[] in = new float[widest];
        float[] out = new float[widest];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(features, r * inputs, in, 0, inputs);
            int width = inputs;
            for (int b = 0; b < blocks.size(); b++) {
                BlockSpec spec = specs.get(b);
                if (spec instanceof DenseBlock.Spec dense) {
                    blocks.get(b).weights().affine(in, out, layerProducts[b]);
                    float[] swap = in;
                    in = out;
                    out = swap;
                    width = dense.units();
                } else if (spec instanceof ActivationBlock.Spec activation) {
                    activation.activation().forward(in, in, width);
                }
            }
            System.arraycopy(in, 0, result, r * outputs, outputs);
        }
        return result;
    }

    private NMVectorProduct[] products() {
        NMVectorProduct[] built = products.get();
        if (built == null) {
            built = new NMVectorProduct[blocks.size()];
            for (int b = 0; b < built.length; b++) {
                LayerWeights weights = blocks.get(b).weights();
                built[b] = weights != null && weights.sparse() ? weights.compressed().vectorProduct() : null;
            }
            products = new SoftReference<>(built); // a race builds it twice at worst: each thread uses a complete one
        }
        return built;
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

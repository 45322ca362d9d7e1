package io.github.nmsparse.engine.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A trained network as a model keeps it: the input shape and the blocks' snapshots, GEMM layers compressed where
 * N:M-sparse (so this is all a model holds in memory), batch normalizations folded into the layers before them. It
 * is checked when made: every block's text parses, fits the shape it gets, and holds values of the right sizes.
 * Immutable.
 */
public final class NetworkSnapshot {

    private final Shape input;
    private final List<BlockSnapshot> blocks;
    private final Architecture architecture;

    /**
     * @param input  the shape of one example's input
     * @param blocks the blocks' snapshots, input side first
     * @throws IllegalArgumentException naming the first block that is unknown, does not fit, or holds wrong values
     */
    public NetworkSnapshot(Shape input, List<BlockSnapshot> blocks) {
        this.input = input;
        this.blocks = List.copyOf(blocks);
        List<BlockSpec> specs = new ArrayList<>();
        for (BlockSnapshot block : blocks) {
            specs.add(BlockGrammar.parse(block.spec()));
        }
        this.architecture = Architecture.of(input, specs);
        Shape shape = input;
        for (int i = 0; i < specs.size(); i++) {
            try {
                specs.get(i).check(shape, blocks.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("block " + (i + 1) + ": " + e.getMessage(), e);
            }
            shape = specs.get(i).outputShape(shape);
        }
    }

    /** @return the shape of one example's input */
    public Shape input() {
        return input;
    }

    /** @return the shape of one example's output */
    public Shape output() {
        return architecture.output();
    }

    /** @return the blocks, input side first */
    public List<BlockSnapshot> blocks() {
        return blocks;
    }

    /** @return every GEMM layer (convolutions, projections, dense layers), input side first, depth first */
    public List<LayerWeights> layers() {
        List<LayerWeights> layers = new ArrayList<>();
        blocks.forEach(block -> collect(block, layers));
        return layers;
    }

    private static void collect(BlockSnapshot block, List<LayerWeights> layers) {
        if (block.weights() != null) {
            layers.add(block.weights());
        }
        block.children().forEach(child -> collect(child, layers));
    }

    /** @return the blocks as text, e.g. {@code conv 16x3p1, relu, maxpool 2, flatten, dense 10} */
    public String describe() {
        return blocks.stream().map(BlockSnapshot::spec).collect(Collectors.joining(", "));
    }

    /** @return the bytes the weights and other values take in this form */
    public long byteSize() {
        return layers().stream().mapToLong(LayerWeights::byteSize).sum() + 4L * vectorValues(blocks);
    }

    /** @return the bytes the same weights and values take as dense float32 arrays */
    public long denseByteSize() {
        return layers().stream().mapToLong(LayerWeights::denseByteSize).sum() + 4L * vectorValues(blocks);
    }

    private static long vectorValues(List<BlockSnapshot> blocks) {
        long count = 0;
        for (BlockSnapshot block : blocks) {
            for (String name : block.vectorNames()) {
                count += block.vector(name).length;
            }
            count += vectorValues(block.children());
        }
        return count;
    }

    /**
     * @return the N:M kernel, which predicts one or a few examples from the compressed layers themselves (half the
     *         multiply-adds of a 2:4 layer, no dense copy, no tensor-library call); empty for a network of blocks other
     *         than dense layers, activations and flatten, and where Java does not share the arrays' memory (a device
     *         backend): prediction follows the executor rule there and runs as ND4J ops
     */
    public Optional<Predictor> sparseKernel() {
        return SparseInference.supports(this) && HostMemory.sharedWithHost() ? Optional.of(new SparseInference(this)) : Optional.empty();
    }

    /** @return a dense network that computes the same predictions, built from the compressed layers now */
    public Network toNetwork() {
        return Network.restore(this, architecture);
    }

    /**
     * Writes the network's forward pass into an ONNX graph: each block as ONNX operators, images as
     * [batch, channels, height, width].
     *
     * @param graph the graph
     * @param x     the network's input in the graph: [batch, features] for a vector input, [batch, c, h, w] for an image
     * @param <N>   the graph's node type
     * @return the raw outputs, [batch, outputs]
     */
    public <N> N writeOnnx(GraphWriter<N> graph, N x) {
        OnnxExport<N> out = new OnnxExport<>(graph);
        N y = x;
        Shape shape = input;
        for (int i = 0; i < blocks.size(); i++) {
            BlockSpec spec = architecture.blocks().get(i);
            y = spec.writeOnnx(out, y, shape, blocks.get(i));
            shape = spec.outputShape(shape);
        }
        return y;
    }

    /** @return the name ONNX export gives the weight initializer of GEMM layer {@code layer} (as {@link #layers()} counts) */
    public static String onnxWeightName(int layer) {
        return OnnxExport.weightName(layer);
    }

    List<BlockSpec> specs() {
        return architecture.blocks();
    }
}

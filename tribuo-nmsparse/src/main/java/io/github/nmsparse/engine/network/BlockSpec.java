package io.github.nmsparse.engine.network;

/**
 * A block as written in a configuration, before it has weights: it knows the output shape an input shape gives,
 * builds the block, checks and restores a trained block from its snapshot, and writes the block into an ONNX graph.
 * Its {@code toString()} is its canonical text, which parses back to an equal spec (see {@link BlockGrammar}).
 */
interface BlockSpec extends java.io.Serializable {

    /**
     * @param input the input shape
     * @return the output shape
     * @throws IllegalArgumentException saying why the block does not fit that input
     */
    Shape outputShape(Shape input);

    /**
     * @param input the input shape, which {@link #outputShape} accepts
     * @param init  how weights start
     * @return the block, ready to train
     */
    Block build(Shape input, Init init);

    /**
     * @param input    the input shape
     * @param snapshot what the trained block kept
     * @throws IllegalArgumentException naming what does not fit (sizes, missing or extra values)
     */
    default void check(Shape input, BlockSnapshot snapshot) {
        requireNothingElse(snapshot);
    }

    /**
     * @param input    the input shape
     * @param snapshot what the trained block kept, which {@link #check} accepts
     * @return the block for prediction, with the snapshot's values
     */
    default Block restore(Shape input, BlockSnapshot snapshot) {
        check(input, snapshot);
        return build(input, null);
    }

    /**
     * Appends the block to an ONNX graph, whose images are [batch, channels, height, width].
     *
     * @param out      the graph
     * @param x        the block's input
     * @param input    its shape
     * @param snapshot what the trained block kept
     * @param <N>      the graph's node type
     * @return the block's output
     */
    <N> N writeOnnx(OnnxExport<N> out, N x, Shape input, BlockSnapshot snapshot);

    /** @throws IllegalArgumentException when a block without values was given some */
    static void requireNothingElse(BlockSnapshot snapshot) {
        if (snapshot.weights() != null || !snapshot.vectorNames().isEmpty() || !snapshot.children().isEmpty()) {
            throw new IllegalArgumentException("block '" + snapshot.spec() + "' holds no weights, values or blocks, but the snapshot has some");
        }
    }
}

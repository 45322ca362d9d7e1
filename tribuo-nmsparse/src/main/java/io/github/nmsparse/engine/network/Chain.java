package io.github.nmsparse.engine.network;

import io.github.nmsparse.engine.state.NamedState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Blocks one after the other: a network's, or a residual block's body. */
final class Chain {

    final List<Block> blocks;

    Chain(List<Block> blocks) {
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("a chain of blocks needs at least one block");
        }
        this.blocks = List.copyOf(blocks);
    }

    /**
     * Builds blocks one after the other, each on the shape the one before gives.
     *
     * @param input the first block's input shape
     * @param specs the blocks, checked by {@link Architecture}
     * @param init  how weights start, drawn block by block
     */
    static Chain build(Shape input, List<BlockSpec> specs, Init init) {
        List<Block> blocks = new ArrayList<>();
        Shape shape = input;
        for (BlockSpec spec : specs) {
            Block block = spec.build(shape, init);
            blocks.add(block);
            shape = block.output;
        }
        return new Chain(blocks);
    }

    /**
     * Rebuilds blocks for prediction from their snapshots.
     *
     * @param input     the first block's input shape
     * @param snapshots the blocks' snapshots, checked by {@link NetworkSnapshot}
     */
    static Chain restore(Shape input, List<BlockSnapshot> snapshots) {
        List<Block> blocks = new ArrayList<>();
        Shape shape = input;
        for (BlockSnapshot snapshot : snapshots) {
            Block block = BlockGrammar.parse(snapshot.spec()).restore(shape, snapshot);
            blocks.add(block);
            shape = block.output;
        }
        return new Chain(blocks);
    }

    Shape output() {
        return blocks.get(blocks.size() - 1).output;
    }

    Object[] buffers(int rows, boolean training) {
        Object[] buffers = new Object[blocks.size()];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = blocks.get(i).buffers(rows, training);
        }
        return buffers;
    }

    Tensor forward(Tensor x, Object[] buffers, boolean training) {
        Tensor t = x;
        for (int i = 0; i < blocks.size(); i++) {
            t = blocks.get(i).forward(t, buffers[i], training);
        }
        return t;
    }

    /** @return dLoss/d(input), or null when {@code inputGradient} is false */
    Tensor backward(Tensor dy, Object[] buffers, boolean inputGradient) {
        Tensor gradient = dy;
        for (int i = blocks.size() - 1; i >= 0; i--) {
            gradient = blocks.get(i).backward(gradient, buffers[i], i > 0 || inputGradient);
        }
        return gradient;
    }

    List<Layer> layers() {
        return blocks.stream().flatMap(block -> block.layers().stream()).toList();
    }

    List<Parameter> parameters() {
        return blocks.stream().flatMap(block -> block.parameters().stream()).toList();
    }

    List<NamedState> states() {
        return blocks.stream().flatMap(block -> block.states().stream()).toList();
    }

    /**
     * @return the blocks' snapshots, with each batch normalization that directly follows a convolution or dense layer
     *         folded into that layer's weights
     */
    List<BlockSnapshot> snapshot() {
        List<BlockSnapshot> snapshots = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            BlockSnapshot snapshot = blocks.get(i).snapshot();
            if (snapshot.weights() != null && i + 1 < blocks.size() && blocks.get(i + 1) instanceof BatchNormBlock norm) {
                snapshot = new BlockSnapshot(snapshot.spec(), norm.fold(snapshot.weights()), Map.of(), List.of());
                i++;
            }
            snapshots.add(snapshot);
        }
        return snapshots;
    }
}

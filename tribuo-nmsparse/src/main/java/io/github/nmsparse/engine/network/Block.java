package io.github.nmsparse.engine.network;

import io.github.nmsparse.engine.state.NamedState;

import java.util.List;

/**
 * One block of a network, built for a known input shape: it does its forward and backward passes over tensors of a
 * batch, owns its parameters and any other state it carries between steps, and gives its snapshot for the model. A
 * block's per-batch scratch (its output tensor, saved activations, patches) lives in the buffers it makes for one
 * batch size, so a block object serves every batch size and every step without allocating.
 *
 * <p>The calls, for one batch: {@link #forward} (which keeps what backward needs in the buffers), then, when
 * training, {@link #backward} with the gradient of the block's output. Parameter gradients are overwritten, not
 * accumulated.
 */
abstract class Block {

    final Shape input;
    final Shape output;

    Block(Shape input, Shape output) {
        this.input = input;
        this.output = output;
    }

    /**
     * @param rows     the batch size
     * @param training whether backward will run (training buffers) or not (prediction)
     * @return this block's buffers for batches of that size
     */
    abstract Object buffers(int rows, boolean training);

    /**
     * @param x        the input, {@code rows x input.size()}; not changed
     * @param buffers  this block's buffers for the batch size
     * @param training whether this is a training step (batch statistics, saved activations)
     * @return the output, {@code rows x output.size()}: a tensor of the buffers, or {@code x} itself for a block that
     *         only reshapes
     */
    abstract Tensor forward(Tensor x, Object buffers, boolean training);

    /**
     * @param dy            dLoss/d(output), as written by the next block; not changed (a residual block reads it twice)
     * @param buffers       the buffers the forward pass filled
     * @param inputGradient whether dLoss/d(input) is wanted (not for the network's first block)
     * @return dLoss/d(input), or null when not wanted
     */
    abstract Tensor backward(Tensor dy, Object buffers, boolean inputGradient);

    /** @return about how many floats this block's prediction buffers take per example, to size prediction batches */
    long floatsPerRow() {
        return 2L * output.size();
    }

    /** @return the GEMM layers of this block and the blocks it contains, input side first */
    List<Layer> layers() {
        return List.of();
    }

    /** @return the trainable parameters of this block and the blocks it contains */
    List<Parameter> parameters() {
        return layers().stream().flatMap(layer -> layer.parameters().stream()).toList();
    }

    /** @return state carried between steps besides parameters and masks (running statistics), by name */
    List<NamedState> states() {
        return List.of();
    }

    /** @return the block as a model keeps it */
    abstract BlockSnapshot snapshot();

    /**
     * @return this block on the ops executor; the caller loads its state
     * @throws UnsupportedOperationException for a block type the ops executor does not run
     */
    DeviceBlock onDevice() {
        throw new UnsupportedOperationException("the OPS executor has no form of block '" + snapshot().spec()
                + "'; use the FUSED executor on the CPU backend");
    }
}

package io.github.nmsparse.engine.network;

/**
 * What every block keeps for one batch size: its output, and dLoss/d(input), made at the first backward pass that
 * needs it (the network's first block never does). A block with more to keep extends it.
 */
class BlockBuffers {
    final Tensor y;
    private Tensor dx;

    BlockBuffers(int rows, Shape output) {
        this(new Tensor(rows, output));
    }

    BlockBuffers(Tensor y) {
        this.y = y;
    }

    /** @return the buffer for dLoss/d(input) of a batch of {@code rows}, made on first use */
    final Tensor inputGradient(int rows, Shape input) {
        if (dx == null) {
            dx = new Tensor(rows, input);
        }
        return dx;
    }

    /**
     * The buffers of a block whose backward pass needs the input it saw: a dense layer's weight gradient, an
     * activation's derivative.
     */
    static final class KeepingInput extends BlockBuffers {
        /** The input of the last forward pass. */
        Tensor x;

        KeepingInput(int rows, Shape output) {
            super(rows, output);
        }
    }
}

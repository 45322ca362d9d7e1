package io.github.nmsparse.engine.network;

import java.nio.FloatBuffer;

/**
 * A network's buffers for one batch size: the input, each block's buffers and the gradient of the output. One
 * workspace serves every step of its batch size, so a step allocates nothing.
 */
public final class Workspace {

    final boolean training;
    final Tensor input;
    final Object[] buffers;
    final Tensor outputGradient;
    Tensor output;

    Workspace(int rows, boolean training, Shape input, Shape output, Object[] buffers) {
        this.training = training;
        this.input = new Tensor(rows, input);
        this.buffers = buffers;
        this.outputGradient = training ? new Tensor(rows, output) : null;
    }

    /** @return the batch size */
    public int rows() {
        return input.rows;
    }

    /** @return the input, row-major, to fill before the forward pass (off-heap; index 0 is the first row) */
    public FloatBuffer input() {
        return HostMemory.liveView(input.writeArray());
    }

    /** @return the raw outputs of the last forward pass, row-major */
    public float[] outputs() {
        return output.readHeap();
    }

    /** @return where dLoss/dOutputs goes before the backward pass, row-major */
    public float[] outputGradient() {
        return outputGradient.writeHeap();
    }
}

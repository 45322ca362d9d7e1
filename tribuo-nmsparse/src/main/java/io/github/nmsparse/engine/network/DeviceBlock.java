package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * A block on the ops executor: the same computation as its host {@link Block}, with every tensor an ND4J array of
 * {@code rows x shape size} that stays on the backend and every step of work an ND4J op. Its state is loaded from the
 * host block and published back to it; its per-batch arrays live in the buffers it makes for one batch size, so
 * after the first step of a batch size (which makes the backward pass's arrays) a step allocates no array memory.
 */
abstract class DeviceBlock {

    final Shape input;
    final Shape output;

    DeviceBlock(Shape input, Shape output) {
        this.input = input;
        this.output = output;
    }

    /** @return this block's arrays for batches of {@code rows} */
    abstract Object buffers(int rows, boolean training);

    /** @return the output: an array of the buffers, or {@code x} for a block that only reshapes */
    abstract INDArray forward(INDArray x, Object buffers, boolean training);

    /** @return dLoss/d(input), or null when not wanted; parameter gradients are overwritten */
    abstract INDArray backward(INDArray dy, Object buffers, boolean inputGradient);

    /** @return the GEMM layers of this block and those it contains, input side first */
    List<DeviceLayer> layers() {
        return List.of();
    }

    /** @return the trainable parameters, input side first, in the host block's order */
    List<DeviceParameter> parameters() {
        return layers().stream().flatMap(layer -> layer.parameters().stream()).toList();
    }

    /** Copies the host block's state in. */
    void load() {
        layers().forEach(DeviceLayer::load);
    }

    /** Copies the state out to the host block. */
    void publish() {
        layers().forEach(DeviceLayer::publish);
    }

    /**
     * @return {@code array} reshaped as a view of the same memory
     * @throws org.nd4j.linalg.exception.ND4JIllegalStateException if only a copy could have that shape (an op writing
     *         a copy would leave the array unchanged)
     */
    static INDArray view(INDArray array, long... shape) {
        return array.reshape('c', true, shape);
    }

    /** @return a {@code rows x shape size} array as {@code [rows][height][width][channels]}, a view */
    static INDArray images(INDArray array, Shape shape) {
        return view(array, array.size(0), shape.height(), shape.width(), shape.channels());
    }

    /** @return a {@code rows x shape size} array as {@code [rows * positions][channels]}, a view */
    static INDArray positions(INDArray array, Shape shape) {
        return view(array, array.size(0) * shape.positions(), shape.channels());
    }

    /** @return a new float array of {@code rows x shape size} */
    static INDArray batch(int rows, Shape shape) {
        return Nd4j.create(DataType.FLOAT, rows, shape.size());
    }

    /** The arrays every block keeps for one batch size: its output, and dLoss/d(input) made when first needed. */
    static class Buffers {
        final INDArray y;
        private INDArray dx;

        Buffers(int rows, Shape output) {
            this.y = batch(rows, output);
        }

        final INDArray inputGradient(int rows, Shape input) {
            if (dx == null) {
                dx = batch(rows, input);
            }
            return dx;
        }
    }

    /** The buffers of a block whose backward pass needs the input it saw. */
    static class KeepingInput extends Buffers {
        INDArray x;

        KeepingInput(int rows, Shape output) {
            super(rows, output);
        }
    }
}

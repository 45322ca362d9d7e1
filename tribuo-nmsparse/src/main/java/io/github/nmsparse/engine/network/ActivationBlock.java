package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Locale;

/**
 * {@code relu}, {@code tanh} or {@code gelu}: an activation applied to every value, in Java over the heap values (a
 * ReLU over values that are off the heap only runs there).
 */
final class ActivationBlock extends Block {

    /** @param activation the function */
    record Spec(Activation activation) implements BlockSpec {

        /** @param keyword relu, tanh or gelu */
        static Spec parse(String keyword, String arguments) {
            if (!arguments.isBlank()) {
                throw new IllegalArgumentException("'" + keyword + "' takes no settings, got '" + arguments.trim() + "'");
            }
            return new Spec(Activation.valueOf(keyword.toUpperCase(Locale.ROOT)));
        }

        @Override
        public Shape outputShape(Shape input) {
            return input;
        }

        @Override
        public Block build(Shape input, Init init) {
            return new ActivationBlock(activation, input);
        }

        @Override
        public <N> N writeOnnx(OnnxExport<N> out, N x, Shape input, BlockSnapshot snapshot) {
            return switch (activation) {
                case RELU -> out.op("Relu", List.of(x));
                case TANH -> out.op("Tanh", List.of(x));
                // 0.5 z (1 + tanh(c (z + k z^3))), the engine's tanh form of GELU, from standard operators.
                case GELU -> {
                    N cube = out.op("Mul", List.of(out.op("Mul", List.of(x, x)), x));
                    N inner = out.op("Mul", List.of(out.op("Add", List.of(out.op("Mul", List.of(cube, out.scalar(0.044715f))), x)),
                            out.scalar(0.7978845608f)));
                    N onePlus = out.op("Add", List.of(out.op("Tanh", List.of(inner)), out.scalar(1f)));
                    yield out.op("Mul", List.of(out.op("Mul", List.of(onePlus, x)), out.scalar(0.5f)));
                }
            };
        }

        @Override
        public String toString() {
            return activation.name().toLowerCase(Locale.ROOT);
        }
    }

    private final Activation activation;

    private ActivationBlock(Activation activation, Shape shape) {
        super(shape, shape);
        this.activation = activation;
    }

    /** The input, and for a ReLU where oneDNN is loaded its primitives for values off the heap. */
    private final class Buffers extends BlockBuffers {
        final OneDnnRelu offHeap;
        Tensor x;

        Buffers(int rows) {
            super(rows, output);
            this.offHeap = activation == Activation.RELU && Nd4jRuntime.oneDnn() ? new OneDnnRelu((long) rows * output.size()) : null;
        }
    }

    @Override
    Object buffers(int rows, boolean training) {
        return new Buffers(rows);
    }

    /**
     * A ReLU whose input is off the heap only (after a convolution or a pooling on oneDNN) runs there on oneDNN, to
     * the same numbers as the heap loop, rather than copying the input to the heap and its output back for the next
     * such block.
     */
    @Override
    Tensor forward(Tensor x, Object buffers, boolean training) {
        Buffers b = (Buffers) buffers;
        b.x = x;
        if (b.offHeap != null && x.offHeapOnly()) {
            b.offHeap.forward(x.readArray(), b.y.writeArray());
        } else {
            activation.forward(x.readHeap(), b.y.writeHeap(), x.size());
        }
        return b.y;
    }

    @Override
    Tensor backward(Tensor dy, Object buffers, boolean inputGradient) {
        if (!inputGradient) {
            return null;
        }
        Buffers b = (Buffers) buffers;
        Tensor dInput = b.inputGradient(dy.rows, input);
        if (b.offHeap != null && dy.offHeapOnly()) {
            b.offHeap.backward(b.x.readArray(), dy.readArray(), dInput.writeArray());
        } else {
            activation.backward(b.x.readHeap(), b.y.readHeap(), dy.readHeap(), dInput.writeHeap(), dy.size());
        }
        return dInput;
    }

    @Override
    DeviceBlock onDevice() {
        return new Device();
    }

    /**
     * The activation on the ops executor, in the fused loops' arithmetic and order: tanh's derivative as
     * {@code 1 - a * a}, GELU's tanh form built from basic ops (libnd4j's own GELU uses another formula).
     */
    private final class Device extends DeviceBlock {

        Device() {
            super(ActivationBlock.this.input, ActivationBlock.this.output);
        }

        /** The input; for GELU the tanh of the forward pass and two scratch arrays. */
        private final class Buffers extends DeviceBlock.Buffers {
            INDArray x;
            final INDArray tanh;
            final INDArray first;
            final INDArray second;

            Buffers(int rows) {
                super(rows, output);
                boolean gelu = activation == Activation.GELU;
                this.tanh = gelu ? Nd4j.create(DataType.FLOAT, rows, output.size()) : null;
                this.first = gelu || activation == Activation.TANH ? Nd4j.create(DataType.FLOAT, rows, output.size()) : null;
                this.second = gelu ? Nd4j.create(DataType.FLOAT, rows, output.size()) : null;
            }
        }

        @Override
        Object buffers(int rows, boolean training) {
            return new Buffers(rows);
        }

        @Override
        INDArray forward(INDArray x, Object buffers, boolean training) {
            Buffers b = (Buffers) buffers;
            b.x = x;
            switch (activation) {
                case RELU -> Nd4j.exec(new RectifiedLinear(x, b.y, 0.0));
                case TANH -> Nd4j.exec(new Tanh(x, b.y));
                case GELU -> {
                    // 0.5 z (1 + tanh(c (z + k z^3))), with k z^3 as ((k z) z) z.
                    x.mul(Activation.GELU_K, b.tanh);
                    b.tanh.muli(x).muli(x).addi(x).muli(Activation.GELU_C);
                    Nd4j.exec(new Tanh(b.tanh, b.tanh));
                    x.mul(0.5f, b.first);
                    b.tanh.add(1f, b.y).muli(b.first);
                }
            }
            return b.y;
        }

        @Override
        INDArray backward(INDArray dy, Object buffers, boolean inputGradient) {
            if (!inputGradient) {
                return null;
            }
            Buffers b = (Buffers) buffers;
            INDArray dx = b.inputGradient((int) dy.rows(), input);
            switch (activation) {
                case RELU -> Nd4j.exec(DynamicCustomOp.builder("relu_bp").addInputs(b.x, dy).addOutputs(dx).addFloatingPointArguments(0.0).build());
                case TANH -> {
                    b.y.mul(b.y, b.first).rsubi(1f);
                    dy.mul(b.first, dx);
                }
                case GELU -> {
                    // 0.5 (1 + t) + 0.5 z (1 - t^2) c (1 + 3 k z^2), t the forward pass's tanh.
                    b.tanh.mul(b.tanh, b.first).rsubi(1f);
                    b.x.mul(0.5f, b.second);
                    b.first.muli(b.second).muli(Activation.GELU_C);
                    b.x.mul(3f * Activation.GELU_K, b.second);
                    b.second.muli(b.x).addi(1f);
                    b.first.muli(b.second);
                    b.tanh.add(1f, b.second).muli(0.5f);
                    b.first.addi(b.second);
                    dy.mul(b.first, dx);
                }
            }
            return dx;
        }
    }

    @Override
    BlockSnapshot snapshot() {
        return BlockSnapshot.of(activation.name().toLowerCase(Locale.ROOT));
    }
}

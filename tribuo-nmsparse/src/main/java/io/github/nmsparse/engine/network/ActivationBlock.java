package io.github.nmsparse.engine.network;

import java.util.List;
import java.util.Locale;

/** {@code relu}, {@code tanh} or {@code gelu}: an activation applied to every value, in Java over the heap values. */
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

    @Override
    Object buffers(int rows, boolean training) {
        return new BlockBuffers.KeepingInput(rows, output);
    }

    @Override
    Tensor forward(Tensor x, Object buffers, boolean training) {
        BlockBuffers.KeepingInput b = (BlockBuffers.KeepingInput) buffers;
        b.x = x;
        activation.forward(x.readHeap(), b.y.writeHeap(), x.size());
        return b.y;
    }

    @Override
    Tensor backward(Tensor dy, Object buffers, boolean inputGradient) {
        if (!inputGradient) {
            return null;
        }
        BlockBuffers.KeepingInput b = (BlockBuffers.KeepingInput) buffers;
        Tensor dInput = b.inputGradient(dy.rows, input);
        activation.backward(b.x.readHeap(), b.y.readHeap(), dy.readHeap(), dInput.writeHeap(), dy.size());
        return dInput;
    }

    @Override
    BlockSnapshot snapshot() {
        return BlockSnapshot.of(activation.name().toLowerCase(Locale.ROOT));
    }
}

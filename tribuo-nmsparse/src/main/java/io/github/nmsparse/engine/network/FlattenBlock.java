package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * {@code flatten}: an image becomes a vector of all its values, in the engine's channels-last order; the values do
 * not move, so the block costs nothing.
 */
final class FlattenBlock extends Block {

    /** The block has no settings. */
    record Spec() implements BlockSpec {

        static Spec parse(String arguments) {
            if (!arguments.isBlank()) {
                throw new IllegalArgumentException("'flatten' takes no settings, got '" + arguments.trim() + "'");
            }
            return new Spec();
        }

        @Override
        public Shape outputShape(Shape input) {
            return Shape.vector(input.size());
        }

        @Override
        public Block build(Shape input, Init init) {
            return new FlattenBlock(input);
        }

        /** ONNX images are channels-first: to channels-last, then flattened, as the engine orders the values. */
        @Override
        public <N> N writeOnnx(OnnxExport<N> out, N x, Shape input, BlockSnapshot snapshot) {
            if (input.isVector()) {
                return x;
            }
            N channelsLast = out.op("Transpose", List.of(x), Map.of("perm", new int[] {0, 2, 3, 1}));
            return out.op("Flatten", List.of(channelsLast), Map.of("axis", 1));
        }

        @Override
        public String toString() {
            return "flatten";
        }
    }

    private FlattenBlock(Shape input) {
        super(input, Shape.vector(input.size()));
    }

    @Override
    Object buffers(int rows, boolean training) {
        return null;
    }

    @Override
    Tensor forward(Tensor x, Object buffers, boolean training) {
        return x;
    }

    @Override
    Tensor backward(Tensor dy, Object buffers, boolean inputGradient) {
        return inputGradient ? dy : null;
    }

    @Override
    DeviceBlock onDevice() {
        return new DeviceBlock(input, output) {
            @Override
            Object buffers(int rows, boolean training) {
                return null;
            }

            @Override
            INDArray forward(INDArray x, Object buffers, boolean training) {
                return x;
            }

            @Override
            INDArray backward(INDArray dy, Object buffers, boolean inputGradient) {
                return inputGradient ? dy : null;
            }
        };
    }

    @Override
    BlockSnapshot snapshot() {
        return BlockSnapshot.of("flatten");
    }
}

package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastCopyOp;
import org.nd4j.linalg.factory.Nd4j;
import java.util.List;
import java.util.Map;

/** {@code gap}: global average pooling, the mean of each channel over all positions; it gives a vector of channels. */
final class GlobalAvgPoolBlock extends Block {

    /** The block has no settings. */
    record Spec() implements BlockSpec {

        static Spec parse(String arguments) {
            if (!arguments.isBlank()) {
                throw new IllegalArgumentException("'gap' takes no settings, got '" + arguments.trim() + "'");
            }
            return new Spec();
        }

        @Override
        public Shape outputShape(Shape input) {
            return Shape.vector(input.channels());
        }

        @Override
        public Block build(Shape input, Init init) {
            return new GlobalAvgPoolBlock(input);
        }

        @Override
        public <N> N writeOnnx(OnnxExport<N> out, N x, Shape input, BlockSnapshot snapshot) {
            if (input.isVector()) {
                return x;
            }
            return out.op("Flatten", List.of(out.op("GlobalAveragePool", List.of(x))), Map.of("axis", 1));
        }

        @Override
        public String toString() {
            return "gap";
        }
    }

    private GlobalAvgPoolBlock(Shape input) {
        super(input, Shape.vector(input.channels()));
    }

    @Override
    Object buffers(int rows, boolean training) {
        return new BlockBuffers(rows, output);
    }

    @Override
    Tensor forward(Tensor x, Object buffers, boolean training) {
        BlockBuffers b = (BlockBuffers) buffers;
        float[] values = x.readHeap();
        float[] means = b.y.writeHeap();
        int channels = input.channels();
        int positions = input.positions();
        float scale = 1f / positions;
        for (int n = 0; n < x.rows; n++) {
            int image = n * input.size();
            int out = n * channels;
            for (int c = 0; c < channels; c++) {
                means[out + c] = 0f;
            }
            for (int p = 0; p < positions; p++) {
                int at = image + p * channels;
                for (int c = 0; c < channels; c++) {
                    means[out + c] += values[at + c];
                }
            }
            for (int c = 0; c < channels; c++) {
                means[out + c] *= scale;
            }
        }
        return b.y;
    }

    @Override
    Tensor backward(Tensor dy, Object buffers, boolean inputGradient) {
        if (!inputGradient) {
            return null;
        }
        BlockBuffers b = (BlockBuffers) buffers;
        Tensor dInput = b.inputGradient(dy.rows, input);
        float[] gradient = dy.readHeap();
        float[] dx = dInput.writeHeap();
        int channels = input.channels();
        int positions = input.positions();
        float scale = 1f / positions;
        for (int n = 0; n < dy.rows; n++) {
            int image = n * input.size();
            int out = n * channels;
            for (int p = 0; p < positions; p++) {
                int at = image + p * channels;
                for (int c = 0; c < channels; c++) {
                    dx[at + c] = gradient[out + c] * scale;
                }
            }
        }
        return dInput;
    }

    @Override
    BlockSnapshot snapshot() {
        return BlockSnapshot.of("gap");
    }

    /** The mean over positions of {@code [rows][positions][channels]}, and its gradient spread back evenly. */
    @Override
    DeviceBlock onDevice() {
        long positions = input.positions();
        int channels = input.channels();
        float scale = 1f / positions;
        return new DeviceBlock(input, output) {
            @Override
            Object buffers(int rows, boolean training) {
                return new DeviceBlock.Buffers(rows, output);
            }

            @Override
            INDArray forward(INDArray x, Object buffers, boolean training) {
                DeviceBlock.Buffers b = (DeviceBlock.Buffers) buffers;
                view(x, x.size(0), positions, channels).mean(b.y, 1);
                return b.y;
            }

            @Override
            INDArray backward(INDArray dy, Object buffers, boolean inputGradient) {
                if (!inputGradient) {
                    return null;
                }
                DeviceBlock.Buffers b = (DeviceBlock.Buffers) buffers;
                INDArray dx = b.inputGradient((int) dy.rows(), input);
                INDArray spread = view(dx, dy.size(0), positions, channels);
                // dy [rows][channels] copied along the positions (dimensions 0 and 2 of the spread), then scaled
                Nd4j.exec(new BroadcastCopyOp(spread, dy, spread, 0, 2));
                spread.muli(scale);
                return dx;
            }
        };
    }
}

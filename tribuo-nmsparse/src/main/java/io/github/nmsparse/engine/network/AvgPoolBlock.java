package io.github.nmsparse.engine.network;

import java.util.Arrays;
import java.util.List;

/** {@code avgpool Q}: the mean of each QxQ window, windows Q apart; what is left over at the edges is dropped. */
final class AvgPoolBlock extends Block {

    /** @param window the window's height and width, also its stride */
    record Spec(int window) implements BlockSpec {

        Spec {
            if (window < 1) {
                throw new IllegalArgumentException("a pooling window needs a size of at least 1, got " + window);
            }
        }

        static Spec parse(String arguments) {
            return new Spec(MaxPoolBlock.Pooling.parseWindow("avgpool", arguments));
        }

        @Override
        public Shape outputShape(Shape input) {
            return MaxPoolBlock.Pooling.outputShape(input, window);
        }

        @Override
        public Block build(Shape input, Init init) {
            return new AvgPoolBlock(window, input);
        }

        @Override
        public <N> N writeOnnx(OnnxExport<N> out, N x, Shape input, BlockSnapshot snapshot) {
            return out.op("AveragePool", List.of(x), MaxPoolBlock.Pooling.onnxAttributes(window));
        }

        @Override
        public String toString() {
            return "avgpool " + window;
        }
    }

    private final int window;

    private AvgPoolBlock(int window, Shape input) {
        super(input, MaxPoolBlock.Pooling.outputShape(input, window));
        this.window = window;
    }

    @Override
    Object buffers(int rows, boolean training) {
        return new BlockBuffers(rows, output);
    }

    @Override
    Tensor forward(Tensor x, Object buffers, boolean training) {
        BlockBuffers b = (BlockBuffers) buffers;
        float[] a = x.readHeap();
        float[] pooled = b.y.writeHeap();
        float scale = 1f / (window * window);
        int channels = input.channels();
        int i = 0;
        for (int n = 0; n < x.rows; n++) {
            int image = n * input.size();
            for (int ph = 0; ph < output.height(); ph++) {
                for (int pw = 0; pw < output.width(); pw++) {
                    for (int c = 0; c < channels; c++, i++) {
                        float sum = 0f;
                        for (int dh = 0; dh < window; dh++) {
                            for (int dw = 0; dw < window; dw++) {
                                sum += a[image + ((ph * window + dh) * input.width() + pw * window + dw) * channels + c];
                            }
                        }
                        pooled[i] = sum * scale;
                    }
                }
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
        float[] dx = dInput.writeHeap();
        Arrays.fill(dx, 0f);
        float[] gradient = dy.readHeap();
        float scale = 1f / (window * window);
        int channels = input.channels();
        int i = 0;
        for (int n = 0; n < dy.rows; n++) {
            int image = n * input.size();
            for (int ph = 0; ph < output.height(); ph++) {
                for (int pw = 0; pw < output.width(); pw++) {
                    for (int c = 0; c < channels; c++, i++) {
                        float share = gradient[i] * scale;
                        for (int dh = 0; dh < window; dh++) {
                            for (int dw = 0; dw < window; dw++) {
                                dx[image + ((ph * window + dh) * input.width() + pw * window + dw) * channels + c] = share;
                            }
                        }
                    }
                }
            }
        }
        return dInput;
    }

    @Override
    BlockSnapshot snapshot() {
        return BlockSnapshot.of("avgpool " + window);
    }

    @Override
    DeviceBlock onDevice() {
        return MaxPoolBlock.Pooling.onDevice("avgpool2d", window, input, output);
    }
}

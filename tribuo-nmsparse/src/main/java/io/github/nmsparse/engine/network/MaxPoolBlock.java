package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** {@code maxpool Q}: the largest value of each QxQ window, windows Q apart; what is left over at the edges is dropped. */
final class MaxPoolBlock extends Block {

    /** @param window the window's height and width, also its stride */
    record Spec(int window) implements BlockSpec {

        Spec {
            if (window < 1) {
                throw new IllegalArgumentException("a pooling window needs a size of at least 1, got " + window);
            }
        }

        static Spec parse(String arguments) {
            return new Spec(Pooling.parseWindow("maxpool", arguments));
        }

        @Override
        public Shape outputShape(Shape input) {
            return Pooling.outputShape(input, window);
        }

        @Override
        public Block build(Shape input, Init init) {
            return new MaxPoolBlock(window, input);
        }

        @Override
        public <N> N writeOnnx(OnnxExport<N> out, N x, Shape input, BlockSnapshot snapshot) {
            return out.op("MaxPool", List.of(x), Pooling.onnxAttributes(window));
        }

        @Override
        public String toString() {
            return "maxpool " + window;
        }
    }

    private final int window;

    private MaxPoolBlock(int window, Shape input) {
        super(input, Pooling.outputShape(input, window));
        this.window = window;
    }

    /** The batch's output, where each output came from, and dLoss/d(input). */
    private static final class Buffers extends BlockBuffers {
        final int[] argMax;

        Buffers(int rows, Shape output) {
            super(rows, output);
            this.argMax = new int[rows * output.size()];
        }
    }

    @Override
    Object buffers(int rows, boolean training) {
        return new Buffers(rows, output);
    }

    @Override
    Tensor forward(Tensor x, Object buffers, boolean training) {
        Buffers b = (Buffers) buffers;
        float[] a = x.readHeap();
        float[] pooled = b.y.writeHeap();
        int p = window;
        int channels = input.channels();
        int inWidth = input.width();
        int i = 0;
        for (int n = 0; n < x.rows; n++) {
            int image = n * input.size();
            for (int ph = 0; ph < output.height(); ph++) {
                for (int pw = 0; pw < output.width(); pw++) {
                    for (int c = 0; c < channels; c++, i++) {
                        int best = image + ((ph * p) * inWidth + pw * p) * channels + c;
                        for (int dh = 0; dh < p; dh++) {
                            for (int dw = 0; dw < p; dw++) {
                                int at = image + ((ph * p + dh) * inWidth + pw * p + dw) * channels + c;
                                if (a[at] > a[best]) {
                                    best = at;
                                }
                            }
                        }
                        pooled[i] = a[best];
                        b.argMax[i] = best;
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
        Buffers b = (Buffers) buffers;
        Tensor dInput = b.inputGradient(dy.rows, input);
        float[] dx = dInput.writeHeap();
        Arrays.fill(dx, 0f);
        float[] gradient = dy.readHeap();
        for (int i = 0; i < gradient.length; i++) {
            dx[b.argMax[i]] += gradient[i];
        }
        return dInput;
    }

    @Override
    BlockSnapshot snapshot() {
        return BlockSnapshot.of("maxpool " + window);
    }

    @Override
    DeviceBlock onDevice() {
        return Pooling.onDevice("maxpool2d", window, input, output);
    }

    /** What the pooling blocks share: the text, the output shape, the ONNX attributes. */
    static final class Pooling {
        private Pooling() {
        }

        static int parseWindow(String keyword, String arguments) {
            String text = arguments.trim();
            if (!text.matches("\\d{1,4}")) {
                throw new IllegalArgumentException("'" + keyword + " " + text + "' is not of the form '" + keyword + " Q' (a QxQ window)");
            }
            return Integer.parseInt(text);
        }

        static Shape outputShape(Shape input, int window) {
            if (input.height() < window || input.width() < window) {
                throw new IllegalArgumentException("a " + window + "x" + window + " window does not fit an input of " + input);
            }
            return new Shape(input.channels(), input.height() / window, input.width() / window);
        }

        /**
         * @param op     libnd4j's pooling op, maxpool2d or avgpool2d (its gradient is the op's _bp)
         * @return the pooling on the ops executor: windows {@code window} apart, no padding, channels last
         */
        static DeviceBlock onDevice(String op, int window, Shape input, Shape output) {
            // kernel, stride, no padding, dilation 1, explicit padding, average over the window only, channels last
            int[] arguments = {window, window, window, window, 0, 0, 1, 1, 0, 0, 1};
            return new DeviceBlock(input, output) {
                @Override
                Object buffers(int rows, boolean training) {
                    return new DeviceBlock.KeepingInput(rows, output);
                }

                @Override
                INDArray forward(INDArray x, Object buffers, boolean training) {
                    DeviceBlock.KeepingInput b = (DeviceBlock.KeepingInput) buffers;
                    b.x = x;
                    Nd4j.exec(DynamicCustomOp.builder(op).addInputs(images(x, input)).addOutputs(images(b.y, output))
                            .addIntegerArguments(arguments).build());
                    return b.y;
                }

                @Override
                INDArray backward(INDArray dy, Object buffers, boolean inputGradient) {
                    if (!inputGradient) {
                        return null;
                    }
                    DeviceBlock.KeepingInput b = (DeviceBlock.KeepingInput) buffers;
                    INDArray dx = b.inputGradient((int) dy.rows(), input);
                    Nd4j.exec(DynamicCustomOp.builder(op + "_bp").addInputs(images(b.x, input), images(dy, output))
                            .addOutputs(images(dx, input)).addIntegerArguments(arguments).build());
                    return dx;
                }
            };
        }

        static Map<String, Object> onnxAttributes(int window) {
            return Map.of("kernel_shape", new int[] {window, window}, "strides", new int[] {window, window}, "pads", new int[] {0, 0, 0, 0});
        }
    }
}

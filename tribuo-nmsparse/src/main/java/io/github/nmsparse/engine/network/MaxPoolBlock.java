package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
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

    /**
     * The batch's output, dLoss/d(input), and on the Java path where each output came from. Where oneDNN is loaded
     * the pooling runs on its primitives, next to the convolutions and on the same side of the tensors.
     */
    private final class Buffers extends BlockBuffers {
        final int[] argMax;
        final OneDnnMaxPool oneDnn;

        Buffers(int rows, boolean training) {
            super(rows, output);
            this.oneDnn = Nd4jRuntime.oneDnn() ? new OneDnnMaxPool(window, input, output, rows, training) : null;
            this.argMax = oneDnn == null ? new int[rows * output.size()] : null;
        }
    }

    @Override
    Object buffers(int rows, boolean training) {
        return new Buffers(rows, training);
    }

    @Override
    Tensor forward(Tensor x, Object buffers, boolean training) {
        Buffers b = (Buffers) buffers;
        if (b.argMax == null) {
            b.oneDnn.forward(x.readArray(), b.y.writeArray());
            return b.y;
        }
        float[] a = x.readHeap();
        float[] pooled = b.y.writeHeap();
        int p = window;
        int channels = input.channels();
        int rowStride = input.width() * channels;
        int[] argMax = b.argMax;
        // Window position by window position over a run of channels, with selects rather than branches: which input
        // is largest is a coin toss on real activations, and a mispredicted branch per comparison cost twice the time.
        int i = 0;
        for (int n = 0; n < x.rows; n++) {
            int image = n * input.size();
            for (int ph = 0; ph < output.height(); ph++) {
                for (int pw = 0; pw < output.width(); pw++, i += channels) {
                    int corner = image + ph * p * rowStride + pw * p * channels;
                    for (int c = 0; c < channels; c++) {
                        pooled[i + c] = a[corner + c];
                        argMax[i + c] = corner + c;
                    }
                    for (int dh = 0; dh < p; dh++) {
                        for (int dw = dh == 0 ? 1 : 0; dw < p; dw++) {
                            int from = corner + dh * rowStride + dw * channels;
                            for (int c = 0; c < channels; c++) {
                                float v = a[from + c];
                                float best = pooled[i + c];
                                boolean larger = v > best;
                                pooled[i + c] = larger ? v : best;
                                argMax[i + c] = larger ? from + c : argMax[i + c];
                            }
                        }
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
        if (b.argMax == null) {
            b.oneDnn.backward(dy.readArray(), dInput.writeArray());
            return dInput;
        }
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
            return new DeviceBlock(input, output) {
                @Override
                Object buffers(int rows, boolean training) {
                    return new PoolingBuffers(rows, output);
                }

                @Override
                INDArray forward(INDArray x, Object buffers, boolean training) {
                    PoolingBuffers b = (PoolingBuffers) buffers;
                    b.x = x;
                    Pooling.forward(b.ops, op, window, x, b.y, input, output);
                    return b.y;
                }

                @Override
                INDArray backward(INDArray dy, Object buffers, boolean inputGradient) {
                    if (!inputGradient) {
                        return null;
                    }
                    PoolingBuffers b = (PoolingBuffers) buffers;
                    INDArray dx = b.inputGradient((int) dy.rows(), input);
                    Pooling.backward(b.ops, op, window, b.x, dy, dx, input, output);
                    return dx;
                }
            };
        }

        /** A pooling workspace on the ops executor, with its ops: built once, dropped with the workspace. */
        private static final class PoolingBuffers extends DeviceBlock.KeepingInput {
            final OpCache ops = new OpCache();

            PoolingBuffers(int rows, Shape output) {
                super(rows, output);
            }
        }

        /**
         * Runs ND4J's pooling op {@code op} (maxpool2d, avgpool2d) on {@code rows x shape size} arrays, built once per
         * pair of arrays in the workspace's {@code ops}.
         */
        static void forward(OpCache ops, String op, int window, INDArray x, INDArray y, Shape input, Shape output) {
            CustomOp pooling = ops.get(() -> DynamicCustomOp.builder(op).addInputs(DeviceBlock.images(x, input))
                    .addOutputs(DeviceBlock.images(y, output)).addIntegerArguments(arguments(window)).build(), x, y);
            Nd4jRuntime.onOneDnn(() -> Nd4j.exec(pooling));
        }

        /** Runs the backward op of {@link #forward}: dLoss/d(input) into {@code dx}. */
        static void backward(OpCache ops, String op, int window, INDArray x, INDArray dy, INDArray dx, Shape input, Shape output) {
            CustomOp pooling = ops.get(() -> DynamicCustomOp.builder(op + "_bp").addInputs(DeviceBlock.images(x, input),
                    DeviceBlock.images(dy, output)).addOutputs(DeviceBlock.images(dx, input)).addIntegerArguments(arguments(window)).build(),
                    x, dy, dx);
            Nd4jRuntime.onOneDnn(() -> Nd4j.exec(pooling));
        }

        private static int[] arguments(int window) {
            // kernel, stride, no padding, dilation 1, explicit padding, average over the window only, channels last
            return new int[] {window, window, window, window, 0, 0, 1, 1, 0, 0, 1};
        }

        static Map<String, Object> onnxAttributes(int window) {
            return Map.of("kernel_shape", new int[] {window, window}, "strides", new int[] {window, window}, "pads", new int[] {0, 0, 0, 0});
        }
    }
}

package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code conv CxK[sS][pP]}: a square convolution to C channels with a KxK kernel, stride S (default 1) and zero
 * padding P (default 0), plus a bias per channel; N:M-sparse under a masking method unless followed by {@code dense}.
 * It runs as oneDNN's convolution primitives where the pom brings oneDNN ({@link OneDnnConvolution}), and elsewhere
 * as one GEMM over image patches (im2col, on ND4J). Its weights are laid out {@code [out][kh][kw][in]}, so
 * each output channel's row runs over kernel positions and, fastest, input channels: N:M groups of M consecutive
 * weights lie along the input channels (SPEC section 1), and a layer with fewer input channels than M (the first)
 * has groups that run on across kernel positions. Images are channels-last ({@code [batch][h][w][c]}).
 */
final class ConvBlock extends Block {

    private static final Pattern TEXT = Pattern.compile("(\\d{1,6})x(\\d{1,3})(?:s(\\d{1,3}))?(?:p(\\d{1,3}))?(\\s+dense)?");

    /**
     * @param channels output channels
     * @param kernel   kernel height and width
     * @param stride   stride
     * @param padding  zero padding on each side
     * @param sparse   whether the layer is one of those trained N:M
     */
    record Spec(int channels, int kernel, int stride, int padding, boolean sparse) implements BlockSpec {

        Spec {
            if (channels < 1 || kernel < 1 || stride < 1 || padding < 0) {
                throw new IllegalArgumentException("a convolution needs channels, kernel and stride of at least 1 and padding of at "
                        + "least 0, got " + channels + " channels, kernel " + kernel + ", stride " + stride + ", padding " + padding);
            }
            if (padding >= kernel) {
                throw new IllegalArgumentException("padding " + padding + " is not smaller than the kernel " + kernel);
            }
        }

        /** Reads {@code CxK[sS][pP][ dense]}, e.g. {@code 32x3s2p1}. */
        static Spec parse(String arguments) {
            Matcher m = TEXT.matcher(arguments.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("'conv " + arguments.trim() + "' is not of the form 'conv CxK[sS][pP]', e.g. conv 32x3s2p1");
            }
            return new Spec(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3) == null ? 1 : Integer.parseInt(m.group(3)),
                    m.group(4) == null ? 0 : Integer.parseInt(m.group(4)), m.group(5) == null);
        }

        /**
         * @param input the input's height (or width)
         * @return the output's height (or width); 0 when the kernel is larger than the padded input
         */
        int convolvedSize(int input) {
            return input + 2 * padding < kernel ? 0 : (input + 2 * padding - kernel) / stride + 1;
        }

        @Override
        public Shape outputShape(Shape input) {
            int height = convolvedSize(input.height());
            int width = convolvedSize(input.width());
            if (height < 1 || width < 1) {
                throw new IllegalArgumentException("a " + kernel + "x" + kernel + " kernel with padding " + padding
                        + " does not fit an input of " + input);
            }
            return new Shape(channels, height, width);
        }

        @Override
        public Block build(Shape input, Init init) {
            int fanIn = kernel * kernel * input.channels();
            return new ConvBlock(this, input, new Layer(fanIn, channels, init.weights(fanIn, channels), new float[channels], init.patternFor(sparse)));
        }

        @Override
        public void check(Shape input, BlockSnapshot snapshot) {
            outputShape(input);
            WeightsCheck.require(snapshot, kernel * kernel * input.channels(), channels, Map.of());
        }

        @Override
        public Block restore(Shape input, BlockSnapshot snapshot) {
            check(input, snapshot);
            LayerWeights weights = snapshot.weights();
            return new ConvBlock(this, input, new Layer(weights.inputs(), weights.outputs(), weights.weights(), weights.biases(), null));
        }

        @Override
        public <N> N writeOnnx(OnnxExport<N> out, N x, Shape input, BlockSnapshot snapshot) {
            LayerWeights layer = snapshot.weights();
            float[] weights = layer.weights();
            int in = input.channels();
            // The engine's [out][kh][kw][in] as ONNX's [out][in][kh][kw].
            float[] oihw = new float[weights.length];
            for (int o = 0; o < channels; o++) {
                for (int kh = 0; kh < kernel; kh++) {
                    for (int kw = 0; kw < kernel; kw++) {
                        for (int c = 0; c < in; c++) {
                            oihw[((o * in + c) * kernel + kh) * kernel + kw] = weights[((o * kernel + kh) * kernel + kw) * in + c];
                        }
                    }
                }
            }
            int index = out.nextLayer();
            N w = out.floats(OnnxExport.weightName(index), List.of(channels, in, kernel, kernel), oihw);
            N b = out.floats("layer" + index + "_bias", List.of(channels), layer.biases());
            return out.op("Conv", List.of(x, w, b), Map.of("kernel_shape", new int[] {kernel, kernel}, "strides", new int[] {stride, stride},
                    "pads", new int[] {padding, padding, padding, padding}));
        }

        @Override
        public String toString() {
            return "conv " + channels + "x" + kernel + (stride == 1 ? "" : "s" + stride) + (padding == 0 ? "" : "p" + padding)
                    + (sparse ? "" : " dense");
        }
    }

    private final Spec spec;
    private final Layer layer;

    private ConvBlock(Spec spec, Shape input, Layer layer) {
        super(input, spec.outputShape(input));
        this.spec = spec;
        this.layer = layer;
    }

    /** @return the weights of one output channel: kernel x kernel x input channels */
    private int patchSize() {
        return spec.kernel() * spec.kernel() * input.channels();
    }

    /**
     * The batch's output and, for training, its input gradient; on the im2col path also the patches and their
     * gradients, and on the ops path the input the backward pass needs.
     */
    private final class Buffers extends BlockBuffers {
        final OneDnnConvolution ops;
        /** On the oneDNN path: the biases and their gradient, as the primitives read and write them. */
        final INDArray bias;
        final INDArray biasGradient;
        final Tensor patches;
        Tensor patchGradient;
        Tensor x;

        Buffers(int rows) {
            super(rows, output);
            this.ops = Nd4jRuntime.oneDnn() ? new OneDnnConvolution(spec, input, output, rows) : null;
            this.bias = ops == null ? null : Nd4j.create(DataType.FLOAT, 1, spec.channels());
            this.biasGradient = ops == null ? null : Nd4j.create(DataType.FLOAT, 1, spec.channels());
            this.patches = ops == null ? new Tensor(rows * output.positions(), Shape.vector(patchSize())) : null;
        }
    }

    @Override
    Object buffers(int rows, boolean training) {
        return new Buffers(rows);
    }

    @Override
    Tensor forward(Tensor x, Object buffers, boolean training) {
        Buffers b = (Buffers) buffers;
        if (b.ops != null) {
            b.x = x;
            layer.biasesTo(b.bias);
            b.ops.forward(x.readArray(), layer.forwardWeights(), b.bias, b.y.writeArray());
            return b.y;
        }
        im2col(x.readHeap(), x.rows, b.patches.writeHeap());
        int channels = spec.channels();
        Gemm.multiply(b.patches.readArray(), layer.forwardWeights(), b.y.writeArray(channels), false, true);
        layer.addBias(b.y.updateHeap(), x.rows * output.positions());
        return b.y;
    }

    @Override
    Tensor backward(Tensor dy, Object buffers, boolean inputGradient) {
        Buffers b = (Buffers) buffers;
        if (b.ops != null) {
            Tensor dInput = inputGradient ? b.inputGradient(dy.rows, input) : null;
            b.ops.backward(b.x.readArray(), layer.forwardWeights(), dy.readArray(), layer.weightGradient(), b.biasGradient,
                    dInput == null ? null : dInput.writeArray());
            layer.biasGradientFrom(b.biasGradient);
            return dInput;
        }
        layer.setBiasGradientOverPositions(dy.readHeap(), dy.rows * output.positions());
        int channels = spec.channels();
        Gemm.multiply(dy.readArray(channels), b.patches.readArray(), layer.weightGradient(), true, false);
        if (!inputGradient) {
            return null;
        }
        if (b.patchGradient == null) {
            b.patchGradient = new Tensor(b.patches.rows, b.patches.shape);
        }
        Tensor dInput = b.inputGradient(dy.rows, input);
        Gemm.multiply(dy.readArray(channels), layer.forwardWeights(), b.patchGradient.writeArray(), false, false);
        col2im(b.patchGradient.readHeap(), dy.rows, dInput.writeHeap());
        return dInput;
    }

    /*
     * im2col and col2im work a kernel row at a time: in a channels-last image the kernel row's inputs, (h, w..w+k-1)
     * across all channels, are one contiguous run of k x channels values, and so is their place in the patch row
     * ([kh][kw][c]). Only the part of the run inside the image is copied; padding is zero.
     */

    /** @return the first kernel column inside the image for output column {@code ow} */
    private int firstColumn(int ow) {
        return Math.max(0, spec.padding() - ow * spec.stride());
    }

    /** @return one past the last kernel column inside the image for output column {@code ow} */
    private int endColumn(int ow) {
        return Math.min(spec.kernel(), input.width() + spec.padding() - ow * spec.stride());
    }

    private void im2col(float[] x, int rows, float[] patches) {
        int k = spec.kernel();
        int channels = input.channels();
        int run = k * channels;
        int patch = patchSize();
        int row = 0;
        for (int n = 0; n < rows; n++) {
            int image = n * input.size();
            for (int oh = 0; oh < output.height(); oh++) {
                for (int ow = 0; ow < output.width(); ow++, row++) {
                    int from = firstColumn(ow);
                    int to = endColumn(ow);
                    int w = ow * spec.stride() - spec.padding() + from;
                    for (int kh = 0; kh < k; kh++) {
                        int out = row * patch + kh * run;
                        int h = oh * spec.stride() - spec.padding() + kh;
                        if (h < 0 || h >= input.height() || from >= to) {
                            Arrays.fill(patches, out, out + run, 0f);
                            continue;
                        }
                        if (from > 0) {
                            Arrays.fill(patches, out, out + from * channels, 0f);
                        }
                        System.arraycopy(x, image + (h * input.width() + w) * channels, patches, out + from * channels, (to - from) * channels);
                        if (to < k) {
                            Arrays.fill(patches, out + to * channels, out + run, 0f);
                        }
                    }
                }
            }
        }
    }

    private void col2im(float[] patches, int rows, float[] x) {
        Arrays.fill(x, 0, rows * input.size(), 0f);
        int k = spec.kernel();
        int channels = input.channels();
        int run = k * channels;
        int patch = patchSize();
        int row = 0;
        for (int n = 0; n < rows; n++) {
            int image = n * input.size();
            for (int oh = 0; oh < output.height(); oh++) {
                for (int ow = 0; ow < output.width(); ow++, row++) {
                    int from = firstColumn(ow);
                    int to = endColumn(ow);
                    int w = ow * spec.stride() - spec.padding() + from;
                    for (int kh = 0; kh < k; kh++) {
                        int h = oh * spec.stride() - spec.padding() + kh;
                        if (h < 0 || h >= input.height() || from >= to) {
                            continue;
                        }
                        int source = row * patch + kh * run + from * channels;
                        int target = image + (h * input.width() + w) * channels;
                        int length = (to - from) * channels;
                        for (int i = 0; i < length; i++) {
                            x[target + i] += patches[source + i];
                        }
                    }
                }
            }
        }
    }

    @Override
    long floatsPerRow() {
        return 2L * output.size() + (Nd4jRuntime.oneDnn() ? 0 : 2L * output.positions() * patchSize());
    }

    @Override
    List<Layer> layers() {
        return List.of(layer);
    }

    @Override
    BlockSnapshot snapshot() {
        // Whether the layer trained sparse is its weights' pattern now: the text leaves the training-time flag out.
        return new BlockSnapshot(new Spec(spec.channels(), spec.kernel(), spec.stride(), spec.padding(), true).toString(),
                layer.snapshot(), Map.of(), List.of());
    }

    @Override
    DeviceBlock onDevice() {
        return new Device(new DeviceLayer(layer));
    }

    /**
     * The same convolution on the ops executor, as the fused executor computes it: with {@link OneDnnConvolution}
     * where oneDNN is loaded, and elsewhere as follows (to within rounding: the patch
     * gradients are summed back by kernel position, not by output position): the patches of the zero-padded
     * channels-last images, one GEMM with the {@code [out][kh][kw][in]} weights, the bias, and for the input gradient
     * the patch gradients summed back into the image. Patches are gathered and summed back one kernel position at a
     * time, as copies between strided views: ND4J copies between views fast but adds into a strided view slowly, so
     * a sum back goes through two contiguous arrays. (libnd4j's own conv2d_bp was measured at 40x the GEMMs' time on
     * the CPU build.)
     */
    private final class Device extends DeviceBlock {
        private final DeviceLayer layer;

        Device(DeviceLayer layer) {
            super(ConvBlock.this.input, ConvBlock.this.output);
            this.layer = layer;
        }

        /** One batch size's padded input, patches, their gradients, and the strided views between them. */
        private final class Buffers extends DeviceBlock.Buffers {
            final INDArray padded;
            final INDArray interior;
            final INDArray patches;
            final INDArray[] imageWindows;
            final INDArray[] patchColumns;
            /** The output as {@code [rows * positions][channels]}, the GEMM's shape. */
            final INDArray outputRows;
            INDArray paddedGradient;
            INDArray gradientInterior;
            INDArray patchGradient;
            INDArray[] gradientWindows;
            INDArray[] patchGradientColumns;
            INDArray window;
            INDArray column;

            Buffers(int rows) {
                super(rows, output);
                int p = spec.padding();
                this.padded = Nd4j.create(DataType.FLOAT, rows, input.height() + 2L * p, input.width() + 2L * p, input.channels());
                this.interior = inside(padded);
                this.patches = Nd4j.create(DataType.FLOAT, (long) rows * output.positions(), patchSize());
                this.imageWindows = windows(padded);
                this.patchColumns = columns(patches, rows);
                this.outputRows = positions(y, output);
            }

            /** Makes the backward pass's arrays, when first needed. */
            void forBackward(int rows) {
                if (patchGradient == null) {
                    paddedGradient = Nd4j.create(DataType.FLOAT, padded.shape());
                    gradientInterior = inside(paddedGradient);
                    patchGradient = Nd4j.create(DataType.FLOAT, patches.shape());
                    gradientWindows = windows(paddedGradient);
                    patchGradientColumns = columns(patchGradient, rows);
                    window = Nd4j.create(DataType.FLOAT, rows, output.height(), output.width(), input.channels());
                    column = Nd4j.create(DataType.FLOAT, window.shape());
                }
            }
        }

        private INDArray inside(INDArray padded) {
            int p = spec.padding();
            return padded.get(NDArrayIndex.all(), NDArrayIndex.interval(p, p + input.height()), NDArrayIndex.interval(p, p + input.width()),
                    NDArrayIndex.all());
        }

        /** @return for each kernel position, the view of the padded images that the outputs' patches see there */
        private INDArray[] windows(INDArray padded) {
            int k = spec.kernel();
            int s = spec.stride();
            INDArray[] windows = new INDArray[k * k];
            for (int kh = 0; kh < k; kh++) {
                for (int kw = 0; kw < k; kw++) {
                    windows[kh * k + kw] = padded.get(NDArrayIndex.all(), NDArrayIndex.interval(kh, s, kh + (long) s * (output.height() - 1) + 1),
                            NDArrayIndex.interval(kw, s, kw + (long) s * (output.width() - 1) + 1), NDArrayIndex.all());
                }
            }
            return windows;
        }

        /** @return for each kernel position, the view of the patch matrix that holds it */
        private INDArray[] columns(INDArray patches, int rows) {
            int k = spec.kernel();
            INDArray perPosition = view(patches, rows, output.height(), output.width(), k, k, input.channels());
            INDArray[] columns = new INDArray[k * k];
            for (int kh = 0; kh < k; kh++) {
                for (int kw = 0; kw < k; kw++) {
                    columns[kh * k + kw] = perPosition.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(kh),
                            NDArrayIndex.point(kw), NDArrayIndex.all());
                }
            }
            return columns;
        }

        /** The ops path's buffers: the output, the input gradient and the input the backward pass needs. */
        private final class OpsBuffers extends DeviceBlock.Buffers {
            final OneDnnConvolution ops;
            INDArray x;

            OpsBuffers(int rows) {
                super(rows, output);
                this.ops = new OneDnnConvolution(spec, input, output, rows);
            }
        }

        @Override
        Object buffers(int rows, boolean training) {
            return Nd4jRuntime.oneDnn() ? new OpsBuffers(rows) : new Buffers(rows);
        }

        @Override
        INDArray forward(INDArray x, Object buffers, boolean training) {
            if (buffers instanceof OpsBuffers b) {
                b.x = x;
                b.ops.forward(x, layer.forwardWeights(), layer.bias(), b.y);
                return b.y;
            }
            Buffers b = (Buffers) buffers;
            b.interior.assign(images(x, input));
            for (int i = 0; i < b.imageWindows.length; i++) {
                b.patchColumns[i].assign(b.imageWindows[i]);
            }
            Gemm.multiply(b.patches, layer.forwardWeights(), b.outputRows, false, true);
            layer.addBias(b.outputRows);
            return b.y;
        }

        @Override
        INDArray backward(INDArray dy, Object buffers, boolean inputGradient) {
            if (buffers instanceof OpsBuffers b) {
                INDArray dx = inputGradient ? b.inputGradient((int) dy.rows(), input) : null;
                b.ops.backward(b.x, layer.forwardWeights(), dy, layer.weightGradient(), layer.biasGradient(), dx);
                return dx;
            }
            Buffers b = (Buffers) buffers;
            INDArray delta = positions(dy, output);
            Gemm.multiply(delta, b.patches, layer.weightGradient(), true, false);
            layer.setBiasGradient(delta);
            if (!inputGradient) {
                return null;
            }
            int rows = (int) dy.rows();
            b.forBackward(rows);
            Gemm.multiply(delta, layer.forwardWeights(), b.patchGradient, false, false);
            b.paddedGradient.assign(0f);
            for (int i = 0; i < b.gradientWindows.length; i++) {
                b.window.assign(b.gradientWindows[i]);
                b.column.assign(b.patchGradientColumns[i]);
                b.gradientWindows[i].assign(b.window.addi(b.column));
            }
            INDArray dx = b.inputGradient(rows, input);
            images(dx, input).assign(b.gradientInterior);
            return dx;
        }

        @Override
        List<DeviceLayer> layers() {
            return List.of(layer);
        }
    }

    /** @return the layer, for a following batch normalization to fold into */
    Layer layer() {
        return layer;
    }
}

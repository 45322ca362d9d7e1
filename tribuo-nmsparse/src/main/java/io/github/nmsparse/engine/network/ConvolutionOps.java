package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A convolution as ND4J's {@code conv2d} and {@code conv2d_bp} ops, which run on oneDNN in ND4J's oneDNN build
 * ({@link Nd4jRuntime#oneDnn}); both executors use it there instead of im2col and GEMM. The images are channels-last
 * and the weights {@code [out][kh][kw][in]}, the layouts the engine already keeps (the ops' NHWC mode and weight
 * format 2), so no array is copied or permuted. Biases stay with the layer: the ops run without them.
 */
final class ConvolutionOps {

    private final int[] arguments;
    private final Shape input;
    private final Shape output;
    private final int kernel;
    /** dLoss/d(input) when the caller does not want it: conv2d_bp always writes one. */
    private INDArray unusedInputGradient;
    private final OpCache forwardOps = new OpCache();
    private final OpCache backwardOps = new OpCache();

    /**
     * @param spec   the convolution
     * @param input  its input shape
     * @param output its output shape
     */
    ConvolutionOps(ConvBlock.Spec spec, Shape input, Shape output) {
        this.input = input;
        this.output = output;
        this.kernel = spec.kernel();
        // kH, kW, sH, sW, pH, pW, dilation H and W, not SAME mode, NHWC, weights [out][kH][kW][in].
        this.arguments = new int[] {kernel, kernel, spec.stride(), spec.stride(), spec.padding(), spec.padding(), 1, 1, 0, 1, 2};
    }

    /**
     * @param x       the input, {@code [rows][h * w * c]}
     * @param weights the weights the forward pass multiplies by, {@code [out][kh * kw * in]}
     * @param y       the output to overwrite, {@code [rows][oh * ow * out]}
     */
    void forward(INDArray x, INDArray weights, INDArray y) {
        CustomOp op = forwardOps.get(() -> DynamicCustomOp.builder("conv2d").addInputs(DeviceBlock.images(x, input), kernels(weights))
                .addOutputs(DeviceBlock.images(y, output)).addIntegerArguments(arguments).build(), x, weights, y);
        Nd4jRuntime.onOneDnn(() -> Nd4j.exec(op));
    }

    /**
     * @param x              the forward pass's input
     * @param weights        the forward pass's weights
     * @param dy             dLoss/d(output)
     * @param weightGradient dLoss/d(weights) to overwrite, {@code [out][kh * kw * in]}
     * @param dx             dLoss/d(input) to overwrite, or null when not wanted
     */
    void backward(INDArray x, INDArray weights, INDArray dy, INDArray weightGradient, INDArray dx) {
        INDArray inputGradient = dx;
        if (inputGradient == null) {
            if (unusedInputGradient == null || unusedInputGradient.rows() != x.rows()) {
                unusedInputGradient = Nd4j.create(DataType.FLOAT, x.shape());
            }
            inputGradient = unusedInputGradient;
        }
        INDArray gradient = inputGradient;
        CustomOp op = backwardOps.get(() -> DynamicCustomOp.builder("conv2d_bp")
                .addInputs(DeviceBlock.images(x, input), kernels(weights), DeviceBlock.images(dy, output))
                .addOutputs(DeviceBlock.images(gradient, input), kernels(weightGradient)).addIntegerArguments(arguments).build(),
                x, weights, dy, gradient, weightGradient);
        Nd4jRuntime.onOneDnn(() -> Nd4j.exec(op));
    }

    private INDArray kernels(INDArray weights) {
        return DeviceBlock.view(weights, weights.rows(), kernel, kernel, input.channels());
    }
}

package io.github.nmsparse.engine.network;

import org.bytedeco.dnnl.dnnl_batch_normalization_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward;
import static org.bytedeco.dnnl.global.dnnl.dnnl_batch_normalization_backward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_batch_normalization_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_global_stats;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_scale;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_shift;
import static org.bytedeco.dnnl.global.dnnl.dnnl_x;

/**
 * Batch normalization as oneDNN's primitives, on the engine's channels-last images off the heap, so that a
 * convolution, the normalization after it and a ReLU run with no copy to the heap and back. Training normalizes with
 * the batch's mean and (biased) variance, which it writes out for the running averages; prediction normalizes with
 * given statistics. The scale and shift are gamma and beta. An instance serves one batch size, for training or for
 * prediction.
 */
final class OneDnnBatchNorm {

    private final OneDnn objects = OneDnn.forUser(this);
    private final dnnl_memory source;
    private final dnnl_memory destination;
    private final dnnl_memory scale;
    private final dnnl_memory shift;
    private final dnnl_memory mean;
    private final dnnl_memory variance;
    private final dnnl_primitive forward;
    private final dnnl_exec_arg_t forwardArguments;
    /** For training: dLoss/d(output) and d(input), the parameters' gradients, and the backward primitive. */
    private final dnnl_memory gradient;
    private final dnnl_memory inputGradient;
    private final dnnl_memory scaleGradient;
    private final dnnl_memory shiftGradient;
    private final dnnl_primitive backward;
    private final dnnl_exec_arg_t backwardArguments;

    /**
     * @param shape    the images' shape
     * @param rows     the batch size
     * @param epsilon  added to the variance
     * @param training whether the batch's statistics are used (and backward passes follow)
     */
    OneDnnBatchNorm(Shape shape, int rows, float epsilon, boolean training) {
        dnnl_memory_desc_t images = objects.layout(new long[] {rows, shape.channels(), shape.height(), shape.width()}, dnnl_nhwc);
        dnnl_memory_desc_t perChannel = objects.layout(new long[] {shape.channels()}, dnnl_x);
        int flags = dnnl_use_scale | dnnl_use_shift | (training ? 0 : dnnl_use_global_stats);
        dnnl_batch_normalization_desc_t desc = objects.keep(new dnnl_batch_normalization_desc_t());
        OneDnn.check(dnnl_batch_normalization_forward_desc_init(desc, training ? dnnl_forward_training : dnnl_forward_inference, images, epsilon,
                flags), "describing a batch normalization");
        dnnl_primitive_desc implementation = objects.implementation(desc, null);
        forward = objects.primitive(implementation);
        source = objects.memory(images, null);
        destination = objects.memory(images, null);
        scale = objects.memory(perChannel, null);
        shift = objects.memory(perChannel, null);
        mean = objects.memory(perChannel, null);
        variance = objects.memory(perChannel, null);
        // Training writes the statistics out; prediction reads them in: the same arguments either way.
        forwardArguments = objects.arguments(new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE},
                new dnnl_memory[] {source, destination, scale, shift, mean, variance});
        if (!training) {
            gradient = inputGradient = scaleGradient = shiftGradient = null;
            backward = null;
            backwardArguments = null;
            return;
        }
        dnnl_batch_normalization_desc_t backwardDesc = objects.keep(new dnnl_batch_normalization_desc_t());
        OneDnn.check(dnnl_batch_normalization_backward_desc_init(backwardDesc, dnnl_backward, images, images, epsilon, flags),
                "describing a batch normalization's gradient");
        backward = objects.primitive(objects.implementation(backwardDesc, implementation));
        gradient = objects.memory(images, null);
        inputGradient = objects.memory(images, null);
        scaleGradient = objects.memory(perChannel, null);
        shiftGradient = objects.memory(perChannel, null);
        backwardArguments = objects.arguments(new int[] {DNNL_ARG_SRC, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_DIFF_DST, DNNL_ARG_SCALE,
                        DNNL_ARG_SHIFT, DNNL_ARG_DIFF_SRC, DNNL_ARG_DIFF_SCALE, DNNL_ARG_DIFF_SHIFT},
                new dnnl_memory[] {source, mean, variance, gradient, scale, shift, inputGradient, scaleGradient, shiftGradient});
    }

    /**
     * @param x        the input images, {@code [rows][h * w * c]}
     * @param gamma    the scales, {@code [1][c]}
     * @param beta     the shifts, {@code [1][c]}
     * @param mean     for training the batch's means written here, for prediction the means to use
     * @param variance likewise the (biased) variances
     * @param y        the output to overwrite
     */
    synchronized void forward(INDArray x, INDArray gamma, INDArray beta, INDArray mean, INDArray variance, INDArray y) {
        objects.bind(source, x);
        objects.bind(destination, y);
        objects.bind(scale, gamma);
        objects.bind(shift, beta);
        objects.bind(this.mean, mean);
        objects.bind(this.variance, variance);
        objects.execute(forward, forwardArguments, 6);
    }

    /**
     * @param x             the forward pass's input
     * @param gamma         the forward pass's scales
     * @param beta          the forward pass's shifts
     * @param mean          the forward pass's batch means
     * @param variance      the forward pass's batch variances
     * @param dy            dLoss/d(output)
     * @param dx            dLoss/d(input) to overwrite
     * @param gammaGradient dLoss/d(gamma) to overwrite, {@code [1][c]}
     * @param betaGradient  dLoss/d(beta) to overwrite
     */
    synchronized void backward(INDArray x, INDArray gamma, INDArray beta, INDArray mean, INDArray variance, INDArray dy, INDArray dx,
                               INDArray gammaGradient, INDArray betaGradient) {
        if (backward == null) {
            throw new IllegalStateException("this batch normalization was built for prediction, not for training");
        }
        objects.bind(source, x);
        objects.bind(scale, gamma);
        objects.bind(shift, beta);
        objects.bind(this.mean, mean);
        objects.bind(this.variance, variance);
        objects.bind(gradient, dy);
        objects.bind(inputGradient, dx);
        objects.bind(scaleGradient, gammaGradient);
        objects.bind(shiftGradient, betaGradient);
        objects.execute(backward, backwardArguments, 9);
    }
}

package io.github.nmsparse.engine.network;

import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_data_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_weights_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_equal;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_ohwi;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_x;

/**
 * A convolution as oneDNN's own primitives (through the JavaCPP bindings of oneDNN, org.bytedeco:dnnl), on the
 * engine's channels-last images and {@code [out][kh][kw][in]} weights as they are: oneDNN's direct algorithm on
 * {@code nhwc} activations, so that only the small weights are reordered. ND4J's conv2d ops ran on oneDNN too, but
 * let it choose blocked layouts and Winograd for the backward pass, which reordered every activation and gradient of
 * the batch in and out: the residual network's convolutions took twice as long (BENCHMARKS.md, "oneDNN's own
 * primitives"). The biases are the primitives' too, so that an output needs no pass of its own to add them and can
 * stay off the heap. A backward pass that wants no input gradient (a network's first layer) skips it.
 *
 * <p>An instance serves one batch size; its oneDNN objects ({@link OneDnn}) go when it becomes unreachable.
 */
final class OneDnnConvolution {

    private final long[] strides;
    private final long[] padding;
    private final long[] paddingRight;
    private final dnnl_memory_desc_t source;
    private final dnnl_memory_desc_t destination;
    private final dnnl_memory_desc_t userWeights;
    /** The weights' dimensions with the layout left to the primitive. */
    private final dnnl_memory_desc_t anyWeights;
    private final dnnl_memory_desc_t bias;
    private final OneDnn objects = OneDnn.forUser(this);
    /** Built on the first pass. */
    private Primitive forward;
    /** Built on the first backward pass; the data part only when an input gradient is asked for. */
    private Primitive weightGradient;
    private Primitive dataGradient;

    /**
     * @param spec   the convolution
     * @param input  its input shape
     * @param output its output shape
     * @param rows   the batch size
     */
    OneDnnConvolution(ConvBlock.Spec spec, Shape input, Shape output, int rows) {
        int k = spec.kernel();
        this.strides = new long[] {spec.stride(), spec.stride()};
        this.padding = new long[] {spec.padding(), spec.padding()};
        // oneDNN's right padding: what makes the last window end at the padded edge, as ND4J's conv2d computes it.
        this.paddingRight = new long[] {(long) (output.height() - 1) * spec.stride() - input.height() + k - spec.padding(),
                (long) (output.width() - 1) * spec.stride() - input.width() + k - spec.padding()};
        this.source = objects.layout(new long[] {rows, input.channels(), input.height(), input.width()}, dnnl_nhwc);
        this.destination = objects.layout(new long[] {rows, output.channels(), output.height(), output.width()}, dnnl_nhwc);
        long[] weightDims = {output.channels(), input.channels(), k, k};
        this.userWeights = objects.layout(weightDims, dnnl_ohwi);
        this.anyWeights = objects.layout(weightDims, dnnl_format_tag_any);
        this.bias = objects.layout(new long[] {output.channels()}, dnnl_x);
    }

    /**
     * @param x       the input, {@code [rows][h * w * c]}, contiguous
     * @param weights the weights the forward pass multiplies by, {@code [out][kh * kw * in]}
     * @param bias    the biases, {@code [1][out]}
     * @param y       the output to overwrite, {@code [rows][oh * ow * out]}
     */
    synchronized void forward(INDArray x, INDArray weights, INDArray bias, INDArray y) {
        forward().run(weights, x, bias, y);
    }

    /**
     * @param x              the forward pass's input
     * @param weights        the forward pass's weights
     * @param dy             dLoss/d(output)
     * @param weightGradient dLoss/d(weights) to overwrite, {@code [out][kh * kw * in]}
     * @param biasGradient   dLoss/d(biases) to overwrite, {@code [1][out]}
     * @param dx             dLoss/d(input) to overwrite, or null when not wanted
     */
    synchronized void backward(INDArray x, INDArray weights, INDArray dy, INDArray weightGradient, INDArray biasGradient, INDArray dx) {
        if (this.weightGradient == null) {
            dnnl_convolution_desc_t desc = objects.keep(new dnnl_convolution_desc_t());
            OneDnn.check(dnnl_convolution_backward_weights_desc_init(desc, dnnl_convolution_direct, source, anyWeights, bias, destination,
                    strides, padding, paddingRight), "describing the weight gradient");
            this.weightGradient = new Primitive(desc, forward().descriptor, dnnl_query_diff_weights_md, DNNL_ARG_DIFF_WEIGHTS, true,
                    DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_BIAS);
        }
        this.weightGradient.run(weightGradient, x, dy, biasGradient);
        if (dx == null) {
            return;
        }
        if (dataGradient == null) {
            dnnl_convolution_desc_t desc = objects.keep(new dnnl_convolution_desc_t());
            OneDnn.check(dnnl_convolution_backward_data_desc_init(desc, dnnl_convolution_direct, source, anyWeights, destination,
                    strides, padding, paddingRight), "describing the input gradient");
            dataGradient = new Primitive(desc, forward().descriptor, dnnl_query_weights_md, DNNL_ARG_WEIGHTS, false, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC);
        }
        dataGradient.run(weights, dy, dx);
    }

    /** @return the forward primitive, for training or prediction alike (its descriptor is the backward passes' hint) */
    private Primitive forward() {
        if (forward == null) {
            dnnl_convolution_desc_t desc = objects.keep(new dnnl_convolution_desc_t());
            // forward_training: the backward descriptors need a training hint; it computes what inference does.
            OneDnn.check(dnnl_convolution_forward_desc_init(desc, dnnl_forward_training, dnnl_convolution_direct, source, anyWeights, bias,
                    destination, strides, padding, paddingRight), "describing the convolution");
            forward = new Primitive(desc, null, dnnl_query_weights_md, DNNL_ARG_WEIGHTS, false, DNNL_ARG_SRC, DNNL_ARG_BIAS, DNNL_ARG_DST);
        }
        return forward;
    }

    /** @return the layout of an activation, bias or gradient argument */
    private dnnl_memory_desc_t layoutOf(int argument) {
        if (argument == DNNL_ARG_SRC || argument == DNNL_ARG_DIFF_SRC) {
            return source;
        }
        return argument == DNNL_ARG_BIAS || argument == DNNL_ARG_DIFF_BIAS ? bias : destination;
    }

    /**
     * One primitive: its weights (an input, or a weight gradient it writes) in the primitive's own layout, reordered
     * from the user's before a run or into the user's after, and its other arguments bound to the caller's arrays.
     */
    private final class Primitive {
        final dnnl_primitive_desc descriptor;
        private final dnnl_primitive primitive;
        private final Reorder weights;
        private final boolean weightsOut;
        private final dnnl_memory[] memories;
        private final dnnl_exec_arg_t arguments;

        /**
         * @param desc        the operation
         * @param hint        the forward descriptor, for a backward pass
         * @param weightQuery which weights the primitive chose a layout for
         * @param weightArg   the weights' argument
         * @param weightsOut  whether the weights are written (a weight gradient) rather than read
         * @param others      the other arguments, in the order {@link #run} takes their arrays
         */
        Primitive(dnnl_convolution_desc_t desc, dnnl_primitive_desc hint, int weightQuery, int weightArg, boolean weightsOut, int... others) {
            this.weightsOut = weightsOut;
            descriptor = objects.implementation(desc, hint);
            primitive = objects.primitive(descriptor);
            dnnl_memory_desc_t chosen = dnnl_primitive_desc_query_md(descriptor, weightQuery, 0);
            dnnl_memory internal = objects.memory(chosen, objects.keep(new BytePointer(dnnl_memory_desc_get_size(chosen))));
            weights = weightsOut ? new Reorder(chosen, userWeights, internal, null) : new Reorder(userWeights, chosen, null, internal);
            memories = new dnnl_memory[others.length + 1];
            int[] ids = Arrays.copyOf(others, others.length + 1);
            for (int i = 0; i < others.length; i++) {
                memories[i] = objects.memory(layoutOf(others[i]), null);
            }
            ids[others.length] = weightArg;
            memories[others.length] = internal;
            arguments = objects.arguments(ids, memories);
        }

        /**
         * @param userWeights the weights in the user's layout: read before the run, or the weight gradient written after
         * @param arrays      the other arguments' arrays, in the constructor's order
         */
        void run(INDArray userWeights, INDArray... arrays) {
            for (int i = 0; i < arrays.length; i++) {
                objects.bind(memories[i], arrays[i]);
            }
            // Bound before the run either way: where the primitive takes the user's layout, it writes the array itself.
            weights.bind(userWeights);
            if (!weightsOut) {
                weights.convert();
            }
            objects.execute(primitive, arguments, memories.length);
            if (weightsOut) {
                weights.convert();
            }
        }
    }

    /** A reorder between the user's weights and a primitive's; one side is the user's array, bound on each run. */
    private final class Reorder {
        private final dnnl_primitive primitive;
        private final dnnl_memory user;
        private final dnnl_exec_arg_t arguments;

        /** Exactly one of {@code fromMemory} and {@code toMemory} is given: the primitive's side. */
        Reorder(dnnl_memory_desc_t from, dnnl_memory_desc_t to, dnnl_memory fromMemory, dnnl_memory toMemory) {
            if (dnnl_memory_desc_equal(from, to) != 0) {
                // The primitive takes the user's layout: its side is bound to the user's array itself.
                user = fromMemory == null ? toMemory : fromMemory;
                primitive = null;
                arguments = null;
                return;
            }
            dnnl_memory source = fromMemory == null ? objects.memory(from, null) : fromMemory;
            dnnl_memory target = toMemory == null ? objects.memory(to, null) : toMemory;
            user = fromMemory == null ? source : target;
            primitive = objects.primitive(objects.reorder(from, to));
            arguments = objects.arguments(new int[] {DNNL_ARG_FROM, DNNL_ARG_TO}, new dnnl_memory[] {source, target});
        }

        /** Points the user's side at {@code userArray}. */
        void bind(INDArray userArray) {
            objects.bind(user, userArray);
        }

        /** Reorders between the bound user array and the primitive's memory, where their layouts differ. */
        void convert() {
            if (primitive != null) {
                objects.execute(primitive, arguments, 2);
            }
        }
    }
}

package io.github.nmsparse.engine.network;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

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
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_equal;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_ohwi;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reorder_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

/**
 * A convolution as oneDNN's own primitives (through the JavaCPP bindings of oneDNN, org.bytedeco:dnnl), on the
 * engine's channels-last images and {@code [out][kh][kw][in]} weights as they are: oneDNN's direct algorithm on
 * {@code nhwc} activations, so that only the small weights are reordered. ND4J's conv2d ops ran on oneDNN too, but
 * let it choose blocked layouts and Winograd for the backward pass, which reordered every activation and gradient of
 * the batch in and out: the residual network's convolutions took twice as long (BENCHMARKS.md, "oneDNN's own
 * primitives"). A backward pass that wants no input gradient (a network's first layer) skips it.
 *
 * <p>oneDNN fixes a primitive's thread count when it builds it, so the primitives are built on as many OpenMP threads
 * as OpenBLAS uses ({@link Nd4jRuntime#onOneDnn}) and run on the calling thread's as they are. An instance serves one
 * batch size; its native objects go when it becomes unreachable.
 */
final class OneDnnConvolution {

    private static final Logger LOGGER = Logger.getLogger(OneDnnConvolution.class.getName());
    private static final Cleaner CLEANER = Cleaner.create();
    private static final boolean AVAILABLE = load();
    private static dnnl_engine engine;

    private final long[] strides;
    private final long[] padding;
    private final long[] paddingRight;
    private final dnnl_memory_desc_t source;
    private final dnnl_memory_desc_t destination;
    private final dnnl_memory_desc_t userWeights;
    /** The weights' dimensions with the layout left to the primitive. */
    private final dnnl_memory_desc_t anyWeights;
    private final Natives natives = new Natives();
    private final Address address = new Address();
    /** Built on the first forward pass. */
    private Forward forward;
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
        if (!AVAILABLE) {
            throw new IllegalStateException("oneDNN's Java bindings (org.bytedeco:dnnl) did not load; the engine uses im2col where they are missing");
        }
        int k = spec.kernel();
        this.strides = new long[] {spec.stride(), spec.stride()};
        this.padding = new long[] {spec.padding(), spec.padding()};
        // oneDNN's right padding: what makes the last window end at the padded edge, as ND4J's conv2d computes it.
        this.paddingRight = new long[] {(long) (output.height() - 1) * spec.stride() - input.height() + k - spec.padding(),
                (long) (output.width() - 1) * spec.stride() - input.width() + k - spec.padding()};
        this.source = natives.descriptor(new long[] {rows, input.channels(), input.height(), input.width()}, dnnl_nhwc);
        this.destination = natives.descriptor(new long[] {rows, output.channels(), output.height(), output.width()}, dnnl_nhwc);
        long[] weightDims = {output.channels(), input.channels(), k, k};
        this.userWeights = natives.descriptor(weightDims, dnnl_ohwi);
        this.anyWeights = natives.descriptor(weightDims, dnnl_format_tag_any);
        CLEANER.register(this, natives);
    }

    /** @return whether oneDNN's Java bindings and library load here */
    static boolean available() {
        return AVAILABLE;
    }

    private static boolean load() {
        try {
            Loader.load(org.bytedeco.dnnl.global.dnnl.class);
            return true;
        } catch (Throwable e) {
            LOGGER.log(Level.INFO, "oneDNN's Java bindings did not load, so convolutions run as im2col and GEMM: " + e);
            return false;
        }
    }

    private static synchronized dnnl_engine engine() {
        if (engine == null) {
            dnnl_engine created = new dnnl_engine();
            check(dnnl_engine_create(created, dnnl_cpu, 0), "creating the CPU engine");
            engine = created;
        }
        return engine;
    }

    /**
     * @param x       the input, {@code [rows][h * w * c]}, contiguous
     * @param weights the weights the forward pass multiplies by, {@code [out][kh * kw * in]}
     * @param y       the output to overwrite, {@code [rows][oh * ow * out]}
     */
    synchronized void forward(INDArray x, INDArray weights, INDArray y) {
        if (forward == null) {
            forward = new Forward();
        }
        forward.weights.run(weights);
        forward.primitive.run(x, null, y);
    }

    /**
     * @param x              the forward pass's input
     * @param weights        the forward pass's weights
     * @param dy             dLoss/d(output)
     * @param weightGradient dLoss/d(weights) to overwrite, {@code [out][kh * kw * in]}
     * @param dx             dLoss/d(input) to overwrite, or null when not wanted
     */
    synchronized void backward(INDArray x, INDArray weights, INDArray dy, INDArray weightGradient, INDArray dx) {
        if (forward == null) {
            forward = new Forward();
        }
        if (this.weightGradient == null) {
            dnnl_convolution_desc_t desc = natives.keep(new dnnl_convolution_desc_t());
            check(dnnl_convolution_backward_weights_desc_init(desc, dnnl_convolution_direct, source, anyWeights, null, destination,
                    strides, padding, paddingRight), "describing the weight gradient");
            this.weightGradient = new Primitive(desc, forward.descriptor, DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, dnnl_query_diff_weights_md, DNNL_ARG_DIFF_WEIGHTS, true);
        }
        this.weightGradient.run(x, dy, weightGradient);
        if (dx == null) {
            return;
        }
        if (dataGradient == null) {
            dnnl_convolution_desc_t desc = natives.keep(new dnnl_convolution_desc_t());
            check(dnnl_convolution_backward_data_desc_init(desc, dnnl_convolution_direct, source, anyWeights, destination,
                    strides, padding, paddingRight), "describing the input gradient");
            dataGradient = new Primitive(desc, forward.descriptor, DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, dnnl_query_weights_md, DNNL_ARG_DIFF_SRC, false);
        }
        dataGradient.weights.run(weights);
        dataGradient.run(dy, null, dx);
    }

    /** The forward primitive, for training or prediction alike (its descriptor is the backward passes' hint). */
    private final class Forward {
        final dnnl_primitive_desc descriptor;
        final Primitive primitive;
        final Reorder weights;

        Forward() {
            dnnl_convolution_desc_t desc = natives.keep(new dnnl_convolution_desc_t());
            // forward_training: the backward descriptors need a training hint; it computes what inference does.
            check(dnnl_convolution_forward_desc_init(desc, dnnl_forward_training, dnnl_convolution_direct, source, anyWeights, null,
                    destination, strides, padding, paddingRight), "describing the convolution");
            primitive = new Primitive(desc, null, DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, dnnl_query_weights_md, DNNL_ARG_DST, false);
            descriptor = primitive.descriptor;
            weights = primitive.weights;
        }
    }

    /**
     * One primitive with two inputs and one output, one of the three in the primitive's own weight format: the
     * user's weights are reordered into it before a run, or a weight gradient out of it after.
     */
    private final class Primitive {
        final dnnl_primitive_desc descriptor;
        final dnnl_primitive primitive;
        final dnnl_memory first;
        final dnnl_memory second;
        final dnnl_memory output;
        final Reorder weights;
        private final dnnl_exec_arg_t arguments;
        private final boolean weightsOut;

        /**
         * @param desc        the operation
         * @param hint        the forward descriptor, for a backward pass
         * @param firstArg    the first input's argument
         * @param secondArg   the second input's argument
         * @param weightQuery which weights the primitive chose a format for
         * @param outputArg   the output's argument
         * @param weightsOut  whether the weights are the output (a weight gradient) rather than the second input
         */
        Primitive(dnnl_convolution_desc_t desc, dnnl_primitive_desc hint, int firstArg, int secondArg, int weightQuery, int outputArg,
                  boolean weightsOut) {
            this.weightsOut = weightsOut;
            descriptor = natives.primitiveDescriptor(desc, hint);
            primitive = natives.primitive(descriptor);
            dnnl_memory_desc_t chosen = dnnl_primitive_desc_query_md(descriptor, weightQuery, 0);
            dnnl_memory internal = natives.memory(chosen, natives.keep(new BytePointer(dnnl_memory_desc_get_size(chosen))));
            weights = weightsOut ? new Reorder(chosen, userWeights, internal, null) : new Reorder(userWeights, chosen, null, internal);
            dnnl_memory weightMemory = internal;
            first = natives.memory(firstArg == DNNL_ARG_DIFF_DST ? destination : source, null);
            second = weightsOut ? natives.memory(destination, null) : weightMemory;
            output = weightsOut ? weightMemory : natives.memory(outputArg == DNNL_ARG_DST ? destination : source, null);
            arguments = natives.keep(new dnnl_exec_arg_t(3));
            arguments.position(0).arg(firstArg).memory(first);
            arguments.position(1).arg(secondArg).memory(second);
            arguments.position(2).arg(outputArg).memory(output);
            arguments.position(0);
        }

        /** Runs on {@code a} (and {@code b} when the second input is not the weights), writing {@code out}. */
        void run(INDArray a, INDArray b, INDArray out) {
            bind(first, a);
            if (weightsOut) {
                bind(second, b);
            } else {
                bind(output, out);
            }
            execute(primitive, arguments, 3);
            if (weightsOut) {
                weights.run(out);
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
            dnnl_memory source = fromMemory == null ? natives.memory(from, null) : fromMemory;
            dnnl_memory target = toMemory == null ? natives.memory(to, null) : toMemory;
            user = fromMemory == null ? source : target;
            dnnl_primitive_desc descriptor = natives.keep(new dnnl_primitive_desc());
            Nd4jRuntime.onOneDnn(() -> check(dnnl_reorder_primitive_desc_create(descriptor, from, engine(), to, engine(), null), "describing a weight reorder"));
            natives.descriptors.add(descriptor);
            primitive = natives.primitive(descriptor);
            arguments = natives.keep(new dnnl_exec_arg_t(2));
            arguments.position(0).arg(DNNL_ARG_FROM).memory(source);
            arguments.position(1).arg(DNNL_ARG_TO).memory(target);
            arguments.position(0);
        }

        void run(INDArray userArray) {
            bind(user, userArray);
            if (primitive != null) {
                execute(primitive, arguments, 2);
            }
        }
    }

    private void bind(dnnl_memory memory, INDArray array) {
        if (array.ordering() != 'c' || array.elementWiseStride() != 1) {
            throw new IllegalArgumentException("oneDNN's convolution needs contiguous row-major arrays, got one of shape "
                    + java.util.Arrays.toString(array.shape()) + " ordering " + array.ordering());
        }
        check(dnnl_memory_set_data_handle(memory, address.at(array.data().address() + array.offset() * Float.BYTES)), "binding an array");
    }

    private void execute(dnnl_primitive primitive, dnnl_exec_arg_t arguments, int count) {
        check(dnnl_primitive_execute(primitive, natives.stream(), count, arguments), "running a convolution primitive");
        check(dnnl_stream_wait(natives.stream()), "waiting for a convolution primitive");
    }

    private static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN failed " + what + " (status " + status + ")");
        }
    }

    /** A pointer to an address computed in Java: an array's memory at its offset. */
    private static final class Address extends Pointer {
        Address at(long where) {
            address = where;
            return this;
        }
    }

    /**
     * The native objects of one instance, kept reachable while it lives and destroyed after (a Cleaner action must
     * not refer to the instance itself).
     */
    private static final class Natives implements Runnable {
        final List<Pointer> kept = new ArrayList<>();
        final List<dnnl_primitive_desc> descriptors = new ArrayList<>();
        final List<dnnl_primitive> primitives = new ArrayList<>();
        final List<dnnl_memory> memories = new ArrayList<>();
        private dnnl_stream stream;

        <P extends Pointer> P keep(P pointer) {
            kept.add(pointer);
            return pointer;
        }

        dnnl_memory_desc_t descriptor(long[] dims, int tag) {
            dnnl_memory_desc_t desc = keep(new dnnl_memory_desc_t());
            check(dnnl_memory_desc_init_by_tag(desc, dims.length, dims, dnnl_f32, tag), "describing an array");
            return desc;
        }

        dnnl_primitive_desc primitiveDescriptor(dnnl_convolution_desc_t desc, dnnl_primitive_desc hint) {
            dnnl_primitive_desc descriptor = keep(new dnnl_primitive_desc());
            Nd4jRuntime.onOneDnn(() -> check(dnnl_primitive_desc_create(descriptor, new const_dnnl_op_desc_t(desc), null, engine(), hint),
                    "choosing a convolution implementation"));
            descriptors.add(descriptor);
            return descriptor;
        }

        dnnl_primitive primitive(dnnl_primitive_desc descriptor) {
            dnnl_primitive primitive = keep(new dnnl_primitive());
            Nd4jRuntime.onOneDnn(() -> check(dnnl_primitive_create(primitive, descriptor), "building a convolution primitive"));
            primitives.add(primitive);
            return primitive;
        }

        /** @param data the memory, or null for an array bound before each run */
        dnnl_memory memory(dnnl_memory_desc_t desc, Pointer data) {
            dnnl_memory memory = keep(new dnnl_memory());
            check(dnnl_memory_create(memory, desc, engine(), data), "creating a memory object");
            memories.add(memory);
            return memory;
        }

        dnnl_stream stream() {
            if (stream == null) {
                stream = keep(new dnnl_stream());
                check(dnnl_stream_create(stream, engine(), dnnl_stream_default_flags), "creating a stream");
            }
            return stream;
        }

        @Override
        public void run() {
            primitives.forEach(p -> dnnl_primitive_destroy(p));
            descriptors.forEach(d -> dnnl_primitive_desc_destroy(d));
            memories.forEach(m -> dnnl_memory_destroy(m));
            if (stream != null) {
                dnnl_stream_destroy(stream);
            }
            kept.forEach(Pointer::close);
        }
    }
}

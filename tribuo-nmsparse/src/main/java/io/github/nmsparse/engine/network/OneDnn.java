package io.github.nmsparse.engine.network;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reorder_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

/**
 * The oneDNN objects of one user of oneDNN's primitives (a convolution or an activation, for one batch size), through
 * oneDNN's C API in its JavaCPP bindings (org.bytedeco:dnnl): descriptors, primitives, memory objects bound to ND4J
 * arrays before each run, and a stream. They stay reachable while the user lives and are destroyed after it.
 *
 * <p>oneDNN fixes a primitive's thread count when it builds it, so primitives are built on as many OpenMP threads as
 * OpenBLAS uses ({@link Nd4jRuntime#onOneDnn}) and then run on the calling thread as they are.
 */
final class OneDnn {

    private static final Logger LOGGER = Logger.getLogger(OneDnn.class.getName());
    private static final Cleaner CLEANER = Cleaner.create();
    private static final boolean AVAILABLE = load();
    private static dnnl_engine engine;

    private final List<Pointer> kept = new ArrayList<>();
    private final List<dnnl_primitive_desc> descriptors = new ArrayList<>();
    private final List<dnnl_primitive> primitives = new ArrayList<>();
    private final List<dnnl_memory> memories = new ArrayList<>();
    private dnnl_stream stream;

    private OneDnn() {
    }

    /**
     * @param user the object whose primitives these are: they are destroyed once it is unreachable
     * @return a new set of oneDNN objects
     * @throws IllegalStateException when oneDNN's bindings did not load
     */
    static OneDnn forUser(Object user) {
        if (!AVAILABLE) {
            throw new IllegalStateException("oneDNN's Java bindings (org.bytedeco:dnnl) did not load; the engine runs without them where they are missing");
        }
        OneDnn objects = new OneDnn();
        CLEANER.register(user, objects::release);
        return objects;
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

    static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN failed " + what + " (status " + status + ")");
        }
    }

    /** @return {@code pointer}, kept reachable (and its memory, if it owns some) while these objects live */
    <P extends Pointer> P keep(P pointer) {
        kept.add(pointer);
        return pointer;
    }

    /** @return a float array's layout: logical dimensions and a format tag */
    dnnl_memory_desc_t layout(long[] dims, int tag) {
        dnnl_memory_desc_t desc = keep(new dnnl_memory_desc_t());
        check(dnnl_memory_desc_init_by_tag(desc, dims.length, dims, dnnl_f32, tag), "describing an array");
        return desc;
    }

    /**
     * @param operation an operation descriptor (a convolution's, an activation's)
     * @param hint      the forward pass's primitive descriptor, for a backward pass; else null
     * @return the implementation oneDNN chose for it
     */
    dnnl_primitive_desc implementation(Pointer operation, dnnl_primitive_desc hint) {
        dnnl_primitive_desc descriptor = keep(new dnnl_primitive_desc());
        Nd4jRuntime.onOneDnn(() -> check(dnnl_primitive_desc_create(descriptor, new const_dnnl_op_desc_t(operation), null, engine(), hint),
                "choosing an implementation"));
        descriptors.add(descriptor);
        return descriptor;
    }

    /** @return the implementation of a reorder between two layouts */
    dnnl_primitive_desc reorder(dnnl_memory_desc_t from, dnnl_memory_desc_t to) {
        dnnl_primitive_desc descriptor = keep(new dnnl_primitive_desc());
        Nd4jRuntime.onOneDnn(() -> check(dnnl_reorder_primitive_desc_create(descriptor, from, engine(), to, engine(), null), "describing a reorder"));
        descriptors.add(descriptor);
        return descriptor;
    }

    /** @return the primitive built from an implementation, on OpenBLAS's thread count */
    dnnl_primitive primitive(dnnl_primitive_desc descriptor) {
        dnnl_primitive primitive = keep(new dnnl_primitive());
        Nd4jRuntime.onOneDnn(() -> check(dnnl_primitive_create(primitive, descriptor), "building a primitive"));
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

    /** @return the arguments of a run: pairs of an argument id and its memory */
    dnnl_exec_arg_t arguments(int[] ids, dnnl_memory[] memories) {
        dnnl_exec_arg_t arguments = keep(new dnnl_exec_arg_t(ids.length));
        for (int i = 0; i < ids.length; i++) {
            arguments.position(i).arg(ids[i]).memory(memories[i]);
        }
        return arguments.position(0);
    }

    /**
     * Points a memory object at an ND4J array's values, which must be contiguous and row-major, in place: oneDNN runs on
     * the CPU backend only, where the array's memory is the host's ({@link HostMemory#nativeFloats}).
     */
    void bind(dnnl_memory memory, INDArray array) {
        if (array.ordering() != 'c' || array.elementWiseStride() != 1) {
            throw new IllegalArgumentException("oneDNN's primitives here need contiguous row-major arrays, got one of shape "
                    + Arrays.toString(array.shape()) + " in order " + array.ordering());
        }
        check(dnnl_memory_set_data_handle(memory, HostMemory.nativeFloats(array)), "binding an array");
    }

    /** Runs a primitive and waits for it. */
    void execute(dnnl_primitive primitive, dnnl_exec_arg_t arguments, int count) {
        if (stream == null) {
            stream = keep(new dnnl_stream());
            check(dnnl_stream_create(stream, engine(), dnnl_stream_default_flags), "creating a stream");
        }
        check(dnnl_primitive_execute(primitive, stream, count, arguments), "running a primitive");
        check(dnnl_stream_wait(stream), "waiting for a primitive");
    }

    private void release() {
        primitives.forEach(p -> dnnl_primitive_destroy(p));
        descriptors.forEach(d -> dnnl_primitive_desc_destroy(d));
        memories.forEach(m -> dnnl_memory_destroy(m));
        if (stream != null) {
            dnnl_stream_destroy(stream);
        }
        kept.forEach(Pointer::close);
    }
}

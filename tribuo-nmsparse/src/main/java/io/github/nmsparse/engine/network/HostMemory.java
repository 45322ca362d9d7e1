package io.github.nmsparse.engine.network;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way Java code reads or writes the memory of an ND4J array (an architecture test keeps it so). On a device
 * backend (CUDA) an array has a device copy and a host copy, and ND4J copies between them only when its counters say
 * one side is older: a host write it is not told of is never seen by the next op, and a host view made before an op
 * does not show the op's result (see ND4J-CUDA.md). So every read here first syncs the host copy, and every write
 * ends by tagging the host copy as the newer one.
 *
 * <p><b>Split memory.</b> On the CPU backend host and device are one memory and a missing sync or tag cannot show.
 * In split-memory mode (system property {@code nmsparse.hostMemory=split}, which the tests set, or
 * {@link #simulateSplitMemory}) a host write goes to a detached copy, as on a GPU, and reaches the array only through
 * its tag. The tests run in this mode, so a tag missing from this class is a wrong result on the CPU too, and
 * {@link #skipTags} shows that it is.
 *
 * <p><b>Live views</b> are for the fused executor and the host-side network state ({@code Layer}'s weights, the
 * parameters and masked weights built on them). On the CPU backend a view is the array's memory. On a device backend
 * the host-side state is still kept in arrays written through live views, and that is sound only because no op ever
 * reads them there: the fused executor and the fused prediction path are refused, and the ops executor copies that
 * state in and out as plain host values. (They cost device memory they do not use; keeping them on the heap off the
 * CPU is a later change.) The ops executor's own arrays never get a live view.
 */
public final class HostMemory {

    private static volatile boolean split = "split".equals(System.getProperty("nmsparse.hostMemory"));
    private static final AtomicInteger TAGS_TO_SKIP = new AtomicInteger();

    private HostMemory() {
    }

    /** @param on whether host writes go through detached copies (the tests' stand-in for a GPU) */
    public static void simulateSplitMemory(boolean on) {
        split = on;
    }

    /** @return whether split-memory mode is on */
    public static boolean splitMemory() {
        return split;
    }

    /**
     * @return whether Java sees an array's memory itself: ND4J's CPU backend outside split-memory mode, the one place
     *         where the fused executor and live views are correct
     */
    public static boolean sharedWithHost() {
        return !split && Nd4jRuntime.cpuBackend();
    }

    /**
     * Makes the next {@code count} tags do nothing, to show that split memory catches a missing tag. Test support
     * only: it breaks every host write it touches.
     */
    public static void skipTags(int count) {
        TAGS_TO_SKIP.set(count);
    }

    /** @return a new float array of the given shape holding {@code values}, row-major */
    public static INDArray upload(float[] values, long... shape) {
        INDArray array = Nd4j.create(DataType.FLOAT, shape);
        write(array, values);
        return array;
    }

    /** Overwrites a whole float array with {@code values}, row-major, then tags the host copy as the newer one. */
    public static void write(INDArray target, float[] values) {
        requireWhole(target, DataType.FLOAT, values.length);
        float[] host = split ? values.clone() : values;
        write(target, () -> target.data().asNioFloat().put(0, host, 0, host.length));
    }

    /** Overwrites a whole int array with {@code values}, then tags the host copy as the newer one. */
    public static void write(INDArray target, int[] values) {
        requireWhole(target, DataType.INT32, values.length);
        int[] host = split ? values.clone() : values;
        write(target, () -> target.data().asNioInt().put(0, host, 0, host.length));
    }

    /** @return the values of a whole float array, row-major, after the ops queued on it are done */
    public static float[] read(INDArray source) {
        float[] values = new float[(int) source.length()];
        read(source, values);
        return values;
    }

    /**
     * Copies the values of a whole float array, row-major, into {@code into}, after the ops queued on it are done: the
     * host copy is synced first ({@code asNioFloat} syncs on a device backend). Split-memory mode does not change reads:
     * it simulates lost writes; a stale read would need a host view kept across ops, which only this class could make.
     */
    public static void read(INDArray source, float[] into) {
        requireWhole(source, DataType.FLOAT, into.length);
        Nd4j.getExecutioner().commit();
        source.data().asNioFloat().get(0, into, 0, into.length);
    }

    /** @return the first value of a double array (a counter kept on the backend), after the ops queued on it are done */
    public static double readDouble(INDArray source) {
        requireWhole(source, DataType.DOUBLE, (int) source.length());
        Nd4j.getExecutioner().commit();
        return source.data().asNioDouble().get(0);
    }

    /**
     * @return a view of a float array's own memory, for the fused executor and the host-side network state on the CPU
     *         backend: writes through it reach the array and ops' writes show in it, with no sync or tag
     */
    static FloatBuffer liveView(INDArray array) {
        requireWhole(array, DataType.FLOAT, (int) array.length());
        return array.data().asNioFloat();
    }

    /**
     * @return where an array's first value lies, for a native library that reads and writes the array in place on
     *         the CPU backend (OpenBLAS's GEMM in {@link Gemm}, oneDNN's primitives in {@link OneDnn}), as ND4J's own
     *         ops do: there the host memory is the
     *         array's, so no sync or tag is needed. A view's buffer starts at the view's first value.
     * @throws IllegalStateException on another backend, where host memory is only a copy
     */
    static FloatPointer nativeFloats(INDArray array) {
        if (!Nd4jRuntime.cpuBackend() || array.dataType() != DataType.FLOAT) {
            throw new IllegalStateException("a native library may read a " + array.dataType() + " array in place only on the CPU backend");
        }
        return new FloatPointer(array.data().addressPointer());
    }

    /**
     * A host write, then its tag: ND4J's mark that the host copy is newer, which makes a device backend's next op copy it
     * to the device (on the CPU it does nothing). In split-memory mode {@code put} writes a detached copy and runs as
     * part of the tag, so that the values reach the array only through it; the ND4J mark is still made, so that the
     * mode stays correct if the tests run on a device backend.
     */
    private static void write(INDArray target, Runnable put) {
        if (!split) {
            put.run();
        }
        if (TAGS_TO_SKIP.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return;
        }
        if (split) {
            put.run();
        }
        Nd4j.getAffinityManager().tagLocation(target, AffinityManager.Location.HOST);
    }

    private static void requireWhole(INDArray array, DataType type, int length) {
        if (array.dataType() != type || array.offset() != 0 || array.length() != length || array.data().length() != length
                || (array.rank() > 1 && array.ordering() != 'c')) {
            throw new IllegalArgumentException("host memory is read and written for whole row-major " + type + " arrays of "
                    + length + " values only, got " + array.dataType() + " " + array.shapeInfoToString().replace('\n', ' '));
        }
    }
}

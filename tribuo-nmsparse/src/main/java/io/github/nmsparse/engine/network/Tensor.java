package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The values of one batch between two blocks, {@code rows x shape.size()} row-major, held on two sides: an
 * off-heap ND4J array that the GEMMs read and write, and a heap array for the element-wise loops (a plain array is
 * several times faster to loop over than a direct buffer). Each side is allocated when first used and copied from
 * the other in bulk only when it is older than the side last written, so a chain of element-wise blocks stays on the
 * heap and a chain of GEMMs stays off it.
 */
final class Tensor {

    final int rows;
    final Shape shape;
    private final int size;
    private INDArray array;
    /** The last [size / cols, cols] view asked for. */
    private INDArray view;
    private float[] heap;
    private boolean arrayStale;
    private boolean heapStale;

    Tensor(int rows, Shape shape) {
        this.rows = rows;
        this.shape = shape;
        this.size = Math.multiplyExact(rows, shape.size());
    }

    /** @return the number of values: rows x shape size */
    int size() {
        return size;
    }

    /** @return the off-heap values as [rows, shape size], current, for reading */
    INDArray readArray() {
        INDArray values = array();
        if (arrayStale) {
            HostMemory.liveView(values).put(0, heap, 0, size);
            arrayStale = false;
        }
        return values;
    }

    /** @return the off-heap values as [rows, shape size], to overwrite entirely: the heap side becomes stale */
    INDArray writeArray() {
        arrayStale = false;
        heapStale = true;
        return array();
    }

    /**
     * @param cols the columns of the view
     * @return the off-heap values, current, as a [size / cols, cols] view of the same memory (a convolution's
     *         [positions, channels])
     */
    INDArray readArray(int cols) {
        readArray();
        return view(cols);
    }

    /** @return like {@link #readArray(int)}, to overwrite entirely */
    INDArray writeArray(int cols) {
        writeArray();
        return view(cols);
    }

    /**
     * @return whether the heap side is out of date and the off-heap side is not: the last writer (a convolution, say)
     *         wrote off the heap, and an element-wise block that reads it there saves a copy
     */
    boolean offHeapOnly() {
        return array != null && !arrayStale && (heap == null || heapStale);
    }

    /** @return the heap values, current, for reading */
    float[] readHeap() {
        float[] values = heap();
        if (heapStale) {
            HostMemory.liveView(array).get(0, values, 0, size);
            heapStale = false;
        }
        return values;
    }

    /** @return the heap values, to overwrite entirely: the off-heap side becomes stale */
    float[] writeHeap() {
        heapStale = false;
        arrayStale = true;
        return heap();
    }

    /** @return the heap values, current, to change in place: the off-heap side becomes stale */
    float[] updateHeap() {
        float[] values = readHeap();
        arrayStale = true;
        return values;
    }

    private INDArray view(int cols) {
        if (cols == shape.size()) {
            return array;
        }
        if (view == null || view.columns() != cols) {
            view = array.reshape('c', size / cols, cols);
        }
        return view;
    }

    private INDArray array() {
        if (array == null) {
            array = Nd4j.create(DataType.FLOAT, rows, shape.size());
        }
        return array;
    }

    private float[] heap() {
        if (heap == null) {
            heap = new float[size];
        }
        return heap;
    }
}

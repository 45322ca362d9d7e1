package io.github.nmsparse.engine.optimizer;

import io.github.nmsparse.engine.network.DeviceParameter;
import io.github.nmsparse.engine.network.HostMemory;
import io.github.nmsparse.engine.network.Parameter;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.util.List;

/** One array of per-element optimizer state per parameter (a moment, a momentum buffer), saved and restored whole. */
final class Moments {

    private float[][] values = new float[0][];
    /** Per thread, a buffer for one row of the state: see {@link #readRow}. */
    private final ThreadLocal<float[]> rowBuffer = ThreadLocal.withInitial(() -> new float[0]);

    void initialise(List<Parameter> parameters) {
        values = new float[parameters.size()][];
        for (Parameter p : parameters) {
            values[p.index()] = new float[p.size()];
        }
    }

    /**
     * @return one row of the parameter's state, copied into this thread's buffer (valid until this thread's next
     *         call). An update loop that indexes all its arrays alike is vectorized by the JIT; one that indexes the
     *         state at the row's offset and the row buffers from 0 is not, since C2 cannot tell the arrays apart, and
     *         that made AdamW's loop 4x slower (BENCHMARKS.md).
     */
    float[] readRow(Parameter parameter, int row) {
        int cols = parameter.cols();
        float[] buffer = rowBuffer.get();
        if (buffer.length < cols) {
            buffer = new float[cols];
            rowBuffer.set(buffer);
        }
        System.arraycopy(values[parameter.index()], row * cols, buffer, 0, cols);
        return buffer;
    }

    /** Copies a row obtained from {@link #readRow} back into the state. */
    void writeRow(Parameter parameter, int row, float[] buffer) {
        System.arraycopy(buffer, 0, values[parameter.index()], row * parameter.cols(), parameter.cols());
    }

    /** @return the state on the backend, one array per parameter shaped like it, loaded from this state */
    INDArray[] upload(List<DeviceParameter> parameters) {
        INDArray[] arrays = new INDArray[values.length];
        for (DeviceParameter p : parameters) {
            arrays[p.host().index()] = HostMemory.upload(values[p.host().index()], p.host().rows(), p.host().cols());
        }
        return arrays;
    }

    /** Copies the state on the backend into this state. */
    void download(INDArray[] arrays) {
        for (int i = 0; i < values.length; i++) {
            HostMemory.read(arrays[i], values[i]);
        }
    }

    /**
     * @return a scratch array per parameter, shaped like it: views of one array the size of the largest parameter,
     *         since an update uses its scratch for one parameter at a time
     */
    static INDArray[] scratch(List<DeviceParameter> parameters) {
        long largest = parameters.stream().mapToLong(p -> p.host().size()).max().orElse(1);
        INDArray shared = Nd4j.create(DataType.FLOAT, largest);
        INDArray[] arrays = new INDArray[parameters.size()];
        for (DeviceParameter p : parameters) {
            arrays[p.host().index()] = shared.get(NDArrayIndex.interval(0, p.host().size())).reshape('c', true, p.host().rows(), p.host().cols());
        }
        return arrays;
    }

    void save(StateOutput out) throws IOException {
        out.writeInt(values.length);
        for (float[] moment : values) {
            out.writeFloats(moment);
        }
    }

    void restore(StateInput in, String what) throws IOException {
        in.require(in.readInt() == values.length, "the number of parameters with " + what);
        for (float[] moment : values) {
            in.readFloats(moment, what);
        }
    }
}

package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trainable tensor on the ops executor: its values and gradient as {@code rows x cols} ND4J arrays that stay on the
 * backend, twin of a host {@link Parameter} whose values it is loaded from and written back to.
 */
public final class DeviceParameter {

    private final Parameter host;
    private final INDArray value;
    private final INDArray gradient;
    private final DeviceSparseWeights sparse;

    DeviceParameter(Parameter host, INDArray value, INDArray gradient, DeviceSparseWeights sparse) {
        this.host = host;
        this.value = value;
        this.gradient = gradient;
        this.sparse = sparse;
    }

    /** @return the values, {@code rows x cols} */
    public INDArray value() {
        return value;
    }

    /** @return the gradient of the last backward pass, {@code rows x cols} */
    public INDArray gradient() {
        return gradient;
    }

    /** @return the host twin: index, shape and whether it decays */
    public Parameter host() {
        return host;
    }

    /** @return the N:M state when this is a sparse layer's weight matrix, otherwise null */
    public DeviceSparseWeights sparse() {
        return sparse;
    }

    /** Copies the host values in. */
    void load() {
        float[] values = new float[host.size()];
        host.values().get(0, values);
        HostMemory.write(value, values);
    }

    /** Copies the values out to the host twin. */
    void publish() {
        host.values().put(0, HostMemory.read(value));
    }
}

package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * A GEMM layer on the ops executor, twin of a host {@link Layer}: W {@code [outputs][inputs]}, the biases as a
 * {@code 1 x outputs} row, their gradients, and the N:M state when the layer is trained sparse.
 */
final class DeviceLayer {

    private final INDArray weight;
    private final INDArray bias;
    /** The biases as a vector, the shape a broadcast along the rows takes. */
    private final INDArray biasVector;
    private final INDArray weightGradient;
    private final INDArray biasGradient;
    /** The bias gradient as a vector, the shape a column sum gives. */
    private final INDArray biasGradientVector;
    private final DeviceSparseWeights sparse;
    private final List<DeviceParameter> parameters;

    DeviceLayer(Layer host) {
        this.weight = Nd4j.create(DataType.FLOAT, host.outputs(), host.inputs());
        this.weightGradient = Nd4j.create(DataType.FLOAT, host.outputs(), host.inputs());
        this.bias = Nd4j.create(DataType.FLOAT, 1, host.outputs());
        this.biasVector = DeviceBlock.view(bias, host.outputs());
        this.biasGradient = Nd4j.create(DataType.FLOAT, 1, host.outputs());
        this.biasGradientVector = DeviceBlock.view(biasGradient, host.outputs());
        this.sparse = host.sparse() == null ? null : new DeviceSparseWeights(host.sparse(), weight);
        List<Parameter> hostParameters = host.parameters();
        this.parameters = List.of(new DeviceParameter(hostParameters.get(0), weight, weightGradient, sparse),
                new DeviceParameter(hostParameters.get(1), bias, biasGradient, null));
    }

    /** @return the weights the forward pass multiplies by: W~ while a mask is active, W otherwise */
    INDArray forwardWeights() {
        return sparse != null && sparse.isActive() ? sparse.masked() : weight;
    }

    INDArray weightGradient() {
        return weightGradient;
    }

    /**
     * Adds the biases to each row of {@code z}, one column per output: a broadcast op (ND4J's addiRowVector reads a
     * one-value row on the host, a sync per step on a device backend).
     */
    void addBias(INDArray z) {
        Nd4j.exec(new BroadcastAddOp(z, biasVector, z, 1));
    }

    /** @return the biases, {@code [1][outputs]}, for a primitive that adds them itself */
    INDArray bias() {
        return bias;
    }

    /** @return the bias gradient, {@code [1][outputs]}, for a primitive that computes it itself */
    INDArray biasGradient() {
        return biasGradient;
    }

    /** Sets the bias gradient to the column sums of dLoss/d(output). */
    void setBiasGradient(INDArray delta) {
        delta.sum(biasGradientVector, 0);
    }

    List<DeviceParameter> parameters() {
        return parameters;
    }

    DeviceSparseWeights sparse() {
        return sparse;
    }

    void load() {
        parameters.forEach(DeviceParameter::load);
        if (sparse != null) {
            sparse.load();
        }
    }

    void publish() {
        parameters.forEach(DeviceParameter::publish);
        if (sparse != null) {
            sparse.publish();
        }
    }
}

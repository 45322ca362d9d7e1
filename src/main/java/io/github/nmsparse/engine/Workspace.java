package io.github.nmsparse.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * Preallocated buffers for one batch size: the input, each layer's pre-activations and activations, and, when
 * training, each layer's gradient with respect to its pre-activations. One workspace serves every step of that
 * batch size, so a step allocates nothing.
 */
final class Workspace {

    final int rows;
    final INDArray input;
    final FloatBuffer inputBuffer;
    final INDArray[] preActivations;
    final INDArray[] activations;
    final INDArray[] deltas;
    final FloatBuffer targets;

    Workspace(Mlp network, int rows, boolean training) {
        this.rows = rows;
        int layers = network.layers().size();
        this.input = Nd4j.create(DataType.FLOAT, rows, network.inputs());
        this.inputBuffer = input.data().asNioFloat();
        this.preActivations = new INDArray[layers];
        this.activations = new INDArray[layers];
        this.deltas = training ? new INDArray[layers] : null;
        for (int i = 0; i < layers; i++) {
            int width = network.layers().get(i).outputs();
            preActivations[i] = Nd4j.create(DataType.FLOAT, rows, width);
            // The output layer's activations are its pre-activations (raw outputs).
            activations[i] = i == layers - 1 ? preActivations[i] : Nd4j.create(DataType.FLOAT, rows, width);
            if (training) {
                deltas[i] = Nd4j.create(DataType.FLOAT, rows, width);
            }
        }
        this.targets = training ? FloatBuffer.allocate(rows * network.outputs()) : null;
    }

    /** @return the raw outputs of the last layer */
    INDArray outputs() {
        return activations[activations.length - 1];
    }
}

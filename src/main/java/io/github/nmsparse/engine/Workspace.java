package io.github.nmsparse.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * Preallocated buffers for one batch size. The GEMMs read and write off-heap ND4J arrays; the element-wise work
 * (bias, activation, loss, their gradients) runs on heap copies, moved in bulk, because element-by-element access
 * to a direct buffer costs several times more than a plain array. One workspace serves every step of its batch
 * size, so a step allocates nothing.
 */
final class Workspace {

    final int rows;
    final INDArray input;
    final FloatBuffer inputBuffer;
    /** Off-heap GEMM results z = x W^T per layer. */
    final INDArray[] preActivations;
    /** Off-heap activations per hidden layer, the next GEMM's input (null for the output layer). */
    final INDArray[] activations;
    /** Off-heap dLoss/dz per layer (training only). */
    final INDArray[] deltas;
    /** Heap z per layer, biases added; the last layer's holds the raw outputs. */
    final float[][] z;
    /** Heap activations per hidden layer. */
    final float[][] a;
    /** Heap dLoss/dz per layer (training only). */
    final float[][] delta;
    /** Heap targets of the batch (training only). */
    final float[] targets;

    Workspace(Mlp network, int rows, boolean training) {
        this.rows = rows;
        int layers = network.layers().size();
        this.input = Nd4j.create(DataType.FLOAT, rows, network.inputs());
        this.inputBuffer = input.data().asNioFloat();
        this.preActivations = new INDArray[layers];
        this.activations = new INDArray[layers];
        this.deltas = training ? new INDArray[layers] : null;
        this.z = new float[layers][];
        this.a = new float[layers][];
        this.delta = training ? new float[layers][] : null;
        for (int i = 0; i < layers; i++) {
            int width = network.layers().get(i).outputs();
            preActivations[i] = Nd4j.create(DataType.FLOAT, rows, width);
            z[i] = new float[rows * width];
            if (i < layers - 1) {
                activations[i] = Nd4j.create(DataType.FLOAT, rows, width);
                a[i] = new float[rows * width];
            }
            if (training) {
                deltas[i] = Nd4j.create(DataType.FLOAT, rows, width);
                delta[i] = new float[rows * width];
            }
        }
        this.targets = training ? new float[rows * network.outputs()] : null;
    }

    /** @return the raw outputs of the last layer, on the heap */
    float[] outputs() {
        return z[z.length - 1];
    }

    /** @return the heap gradient with respect to the raw outputs, for the objective to fill */
    float[] outputGradient() {
        return delta[delta.length - 1];
    }
}

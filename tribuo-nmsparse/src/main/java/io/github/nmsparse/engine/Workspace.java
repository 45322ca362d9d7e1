package io.github.nmsparse.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.List;

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
    /** Heap copy of the input for the convolutions' patches (convolutional networks only). */
    final float[] inputValues;
    /** Per convolution stage, its buffers. */
    final ConvStage.Buffers[] stages;
    /** The first fully connected layer's input: the network input, or the last convolution's output. */
    final INDArray denseInput;
    /** dLoss/d(denseInput) (convolutional networks, training only). */
    final INDArray denseInputGradient;
    /** Heap gradients of each stage's input, index s for stage s (s >= 1), and of the dense input at the end. */
    final float[][] stageGradients;

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
        List<ConvStage> convolutions = network.stages();
        this.stages = new ConvStage.Buffers[convolutions.size()];
        for (int s = 0; s < stages.length; s++) {
            stages[s] = convolutions.get(s).buffers(rows, training);
        }
        boolean convolutional = !convolutions.isEmpty();
        this.inputValues = convolutional ? new float[rows * network.inputs()] : null;
        int denseInputs = network.layers().get(0).inputs();
        this.denseInput = convolutional ? Nd4j.create(DataType.FLOAT, rows, denseInputs) : input;
        this.denseInputGradient = convolutional && training ? Nd4j.create(DataType.FLOAT, rows, denseInputs) : null;
        this.stageGradients = convolutional && training ? new float[convolutions.size() + 1][] : null;
        if (stageGradients != null) {
            for (int s = 1; s < convolutions.size(); s++) {
                stageGradients[s] = new float[rows * convolutions.get(s).inputSize()];
            }
            stageGradients[convolutions.size()] = new float[rows * denseInputs];
        }
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

package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMPattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * One fully connected layer, {@code z = x W^T + b}, with W stored row-major as {@code [outputs][inputs]} so that
 * N:M groups run along the inputs of each output unit. Biases are never masked.
 */
public final class Layer {

    private final int inputs;
    private final int outputs;
    private final INDArray weight;
    private final INDArray weightGradient;
    private final INDArray masked;
    private final float[] biasValues;
    private final float[] biasGradient;
    private final SparseWeights sparse;

    /**
     * @param weights the row-major weights {@code [outputs][inputs]}
     * @param bias    the biases, {@code outputs} of them
     * @param pattern the N:M pattern when the layer is trained sparse, or null for a dense layer
     */
    Layer(int inputs, int outputs, float[] weights, float[] bias, NMPattern pattern) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.weight = Nd4j.create(weights, new long[] {outputs, inputs}, DataType.FLOAT);
        this.weightGradient = Nd4j.create(DataType.FLOAT, outputs, inputs);
        this.biasValues = bias.clone();
        this.biasGradient = new float[outputs];
        if (pattern == null) {
            this.masked = null;
            this.sparse = null;
        } else {
            this.masked = Nd4j.create(DataType.FLOAT, outputs, inputs);
            this.sparse = new SparseWeights(new NMLayout(outputs, inputs, pattern),
                    weight.data().asNioFloat(), masked.data().asNioFloat());
        }
    }

    /** @return the weights the forward pass multiplies by: W~ while a mask is active, W otherwise */
    INDArray forwardWeights() {
        return sparse != null && sparse.isActive() ? masked : weight;
    }

    INDArray weight() {
        return weight;
    }

    INDArray weightGradient() {
        return weightGradient;
    }

    float[] biasValues() {
        return biasValues;
    }

    float[] biasGradient() {
        return biasGradient;
    }

    /** @return the layer's N:M state, or null for a dense layer */
    public SparseWeights sparse() {
        return sparse;
    }

    /** @return the number of inputs */
    public int inputs() {
        return inputs;
    }

    /** @return the number of outputs */
    public int outputs() {
        return outputs;
    }

    /** @return a copy of the weights used for prediction (W~ for a sparse layer), row-major */
    public float[] inferenceWeights() {
        INDArray source = sparse == null ? weight : sparseInferenceWeights();
        return source.data().asFloat();
    }

    private INDArray sparseInferenceWeights() {
        INDArray out = Nd4j.create(DataType.FLOAT, outputs, inputs);
        sparse.currentMask().apply(weight.data().asNioFloat(), out.data().asNioFloat());
        return out;
    }

    /** @return a copy of the biases */
    public float[] biases() {
        return biasValues.clone();
    }
}

package io.github.nmsparse.engine.network;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMPattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * The weights of one GEMM block (a fully connected layer or a convolution as im2col): W stored row-major as
 * {@code [outputs][inputs]}, so that N:M groups run along the inputs of each output unit, the biases (never masked),
 * their gradients, and the N:M state when the layer is trained sparse.
 */
final class Layer {

    private final int inputs;
    private final int outputs;
    private final INDArray weight;
    private final INDArray weightGradient;
    private final INDArray masked;
    private final float[] biasValues;
    private final float[] biasGradient;
    private final SparseWeights sparse;
    private final List<Parameter> parameters;

    /**
     * @param weights the row-major weights {@code [outputs][inputs]}
     * @param bias    the biases, {@code outputs} of them
     * @param pattern the N:M pattern when the layer is trained sparse, or null for a dense layer
     */
    Layer(int inputs, int outputs, float[] weights, float[] bias, NMPattern pattern) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.weight = HostMemory.upload(weights, outputs, inputs);
        this.weightGradient = Nd4j.create(DataType.FLOAT, outputs, inputs);
        this.biasValues = bias.clone();
        this.biasGradient = new float[outputs];
        if (pattern == null) {
            this.masked = null;
            this.sparse = null;
        } else {
            this.masked = Nd4j.create(DataType.FLOAT, outputs, inputs);
            this.sparse = new SparseWeights(new NMLayout(outputs, inputs, pattern), HostMemory.liveView(weight), HostMemory.liveView(masked));
        }
        this.parameters = List.of(
                new Parameter(HostMemory.liveView(weight), HostMemory.liveView(weightGradient), outputs, inputs, true, sparse),
                new Parameter(FloatBuffer.wrap(biasValues), FloatBuffer.wrap(biasGradient), 1, outputs, false, null));
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

    /** Adds the biases to each of {@code rows} rows of outputs in {@code z}, row-major with one value per output. */
    void addBias(float[] z, int rows) {
        ChannelTiles tiles = new ChannelTiles(outputs);
        float[] biasTile = tiles.repeat(biasValues);
        ChannelTiles.Pass pass = tiles.pass(rows * outputs);
        float[] zTile = pass.update(z);
        pass.run(length -> {
            for (int j = 0; j < length; j++) {
                zTile[j] += biasTile[j];
            }
        });
    }

    /** Writes the biases into a {@code [1][outputs]} array, for a primitive that adds them itself. */
    void biasesTo(INDArray target) {
        HostMemory.write(target, biasValues);
    }

    /** Sets the bias gradient from a {@code [1][outputs]} array that a primitive wrote. */
    void biasGradientFrom(INDArray source) {
        HostMemory.read(source, biasGradient);
    }

    /**
     * Sets the bias gradient to the column sums of {@code rows} rows of dLoss/d(output) in {@code delta}, each column
     * summed in row order (a dense layer's examples).
     */
    void setBiasGradient(float[] delta, int rows) {
        sumColumns(delta, rows, new ChannelTiles(outputs, 1));
    }

    /**
     * Sets the bias gradient to the column sums over a convolution's {@code positions} (of all examples): each row of
     * a tile of several positions has float sums of its own, added at the end, since a convolution has few channels.
     */
    void setBiasGradientOverPositions(float[] delta, int positions) {
        sumColumns(delta, positions, new ChannelTiles(outputs));
    }

    private void sumColumns(float[] delta, int rows, ChannelTiles tiles) {
        ChannelTiles.Pass pass = tiles.pass(rows * outputs);
        float[] deltaTile = pass.read(delta);
        float[] sums = new float[tiles.length];
        pass.run(length -> {
            for (int j = 0; j < length; j++) {
                sums[j] += deltaTile[j];
            }
        });
        tiles.sumByChannel(sums, biasGradient);
    }

    /** @return the weights, then the biases */
    List<Parameter> parameters() {
        return parameters;
    }

    /** @return the layer's N:M state, or null for a dense layer */
    SparseWeights sparse() {
        return sparse;
    }

    int inputs() {
        return inputs;
    }

    int outputs() {
        return outputs;
    }

    /** @return a copy of the weights used for prediction (W~ of the current W for a sparse layer), row-major */
    float[] inferenceWeights() {
        if (sparse == null) {
            float[] out = new float[outputs * inputs];
            HostMemory.liveView(weight).get(0, out);
            return out;
        }
        float[] out = new float[outputs * inputs];
        sparse.currentMask().apply(HostMemory.liveView(weight), FloatBuffer.wrap(out));
        return out;
    }

    /** @return the prediction weights and biases, compressed when the layer is sparse */
    LayerWeights snapshot() {
        return new LayerWeights(inputs, outputs, inferenceWeights(), biasValues, sparse == null ? null : sparse.layout().pattern());
    }
}

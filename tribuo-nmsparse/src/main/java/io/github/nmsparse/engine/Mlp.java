package io.github.nmsparse.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-layer perceptron: fully connected layers with an activation after each hidden layer and raw outputs at
 * the end. Forward and backward passes are hand-written: GEMMs run on ND4J into preallocated buffers, and the
 * element-wise work (bias, activation, bias gradient) runs in Java over the same off-heap memory.
 */
public final class Mlp {

    private final List<ConvStage> stages;
    private final List<Layer> layers;
    private final Activation activation;
    private final List<Parameter> parameters = new ArrayList<>();

    Mlp(List<Layer> layers, Activation activation) {
        this(List.of(), layers, activation);
    }

    /**
     * @param stages convolution stages before the fully connected layers, input side first (may be empty)
     * @param layers the fully connected layers
     */
    Mlp(List<ConvStage> stages, List<Layer> layers, Activation activation) {
        this.stages = List.copyOf(stages);
        this.layers = List.copyOf(layers);
        this.activation = activation;
        for (int i = 1; i < stages.size(); i++) {
            if (stages.get(i).inputSize() != stages.get(i - 1).outputSize()) {
                throw new IllegalArgumentException("convolution " + i + " takes " + stages.get(i).inputSize()
                        + " values but convolution " + (i - 1) + " gives " + stages.get(i - 1).outputSize());
            }
        }
        if (!stages.isEmpty() && layers.get(0).inputs() != stages.get(stages.size() - 1).outputSize()) {
            throw new IllegalArgumentException("the first dense layer takes " + layers.get(0).inputs()
                    + " inputs but the last convolution gives " + stages.get(stages.size() - 1).outputSize());
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).inputs() != layers.get(i - 1).outputs()) {
                throw new IllegalArgumentException("layer " + i + " takes " + layers.get(i).inputs()
                        + " inputs but layer " + (i - 1) + " gives " + layers.get(i - 1).outputs());
            }
        }
        for (Layer layer : allLayers()) {
            parameters.add(new Parameter(layer.weight().data().asNioFloat(), layer.weightGradient().data().asNioFloat(),
                    layer.outputs(), layer.inputs(), true, layer.sparse()));
            parameters.add(new Parameter(FloatBuffer.wrap(layer.biasValues()), FloatBuffer.wrap(layer.biasGradient()),
                    1, layer.outputs(), false, null));
        }
        for (ConvStage stage : stages) {
            BatchNorm norm = stage.norm();
            if (norm != null) {
                parameters.add(new Parameter(FloatBuffer.wrap(norm.gamma), FloatBuffer.wrap(norm.gammaGradient), 1, norm.channels, false, null));
                parameters.add(new Parameter(FloatBuffer.wrap(norm.beta), FloatBuffer.wrap(norm.betaGradient), 1, norm.channels, false, null));
            }
        }
    }

    /** @return the fully connected layers, input first */
    public List<Layer> layers() {
        return layers;
    }

    /** @return the convolution stages, input first; empty for a multi-layer perceptron */
    List<ConvStage> stages() {
        return stages;
    }

    /**
     * @param floatBudget how many floats a prediction's buffers may take
     * @return how many examples one prediction call may hold within the budget, at least 1
     */
    public int rowsWithin(long floatBudget) {
        long perRow = 2L * inputs();
        for (ConvStage stage : stages) {
            perRow += (long) stage.positions() * (2L * stage.patchSize() + 4L * stage.spec().channels()) + stage.outputSize();
        }
        for (Layer layer : layers) {
            perRow += 4L * layer.outputs();
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, floatBudget / perRow));
    }

    /** @return every layer with weights: the convolutions' then the fully connected ones, input first */
    List<Layer> allLayers() {
        List<Layer> all = new ArrayList<>();
        stages.forEach(stage -> all.add(stage.layer()));
        all.addAll(layers);
        return all;
    }

    /** @return the hidden-layer activation */
    public Activation activation() {
        return activation;
    }

    /** @return the number of inputs */
    public int inputs() {
        return stages.isEmpty() ? layers.get(0).inputs() : stages.get(0).inputSize();
    }

    /** @return the number of outputs */
    public int outputs() {
        return layers.get(layers.size() - 1).outputs();
    }

    List<Parameter> parameters() {
        return parameters;
    }

    /** Runs the forward pass on {@code ws.input}; the raw outputs land in {@code ws.outputs()}. */
    void forward(Workspace ws) {
        INDArray input = ws.input;
        if (!stages.isEmpty()) {
            ws.inputBuffer.get(0, ws.inputValues, 0, ws.rows * inputs());
            float[] x = ws.inputValues;
            for (int s = 0; s < stages.size(); s++) {
                stages.get(s).forward(x, ws.stages[s], activation);
                x = ws.stages[s].pooled;
            }
            ws.denseInput.data().asNioFloat().put(0, x, 0, ws.rows * layers.get(0).inputs());
            input = ws.denseInput;
        }
        int last = layers.size() - 1;
        for (int i = 0; i <= last; i++) {
            Layer layer = layers.get(i);
            int count = ws.rows * layer.outputs();
            Nd4j.gemm(input, layer.forwardWeights(), ws.preActivations[i], false, true, 1.0, 0.0);
            ws.preActivations[i].data().asNioFloat().get(0, ws.z[i], 0, count);
            addBias(ws.z[i], layer.biasValues(), ws.rows);
            if (i < last) {
                activation.forward(ws.z[i], ws.a[i], count);
                ws.activations[i].data().asNioFloat().put(0, ws.a[i], 0, count);
                input = ws.activations[i];
            }
        }
    }

    /**
     * Runs the backward pass. On entry {@code ws.outputGradient()} holds dLoss/dOutputs; on exit every layer's
     * weight and bias gradient is written (with respect to the weights the forward pass used).
     */
    void backward(Workspace ws) {
        int last = layers.size() - 1;
        ws.deltas[last].data().asNioFloat().put(0, ws.delta[last], 0, ws.rows * outputs());
        for (int i = last; i >= 0; i--) {
            Layer layer = layers.get(i);
            INDArray input = i == 0 ? ws.denseInput : ws.activations[i - 1];
            Nd4j.gemm(ws.deltas[i], input, layer.weightGradient(), true, false, 1.0, 0.0);
            sumColumns(ws.delta[i], layer.biasGradient(), ws.rows);
            if (i > 0) {
                int count = ws.rows * layers.get(i - 1).outputs();
                Nd4j.gemm(ws.deltas[i], layer.forwardWeights(), ws.deltas[i - 1], false, false, 1.0, 0.0);
                FloatBuffer previous = ws.deltas[i - 1].data().asNioFloat();
                previous.get(0, ws.delta[i - 1], 0, count);
                activation.backward(ws.z[i - 1], ws.a[i - 1], ws.delta[i - 1], count);
                previous.put(0, ws.delta[i - 1], 0, count);
            }
        }
        if (!stages.isEmpty()) {
            Nd4j.gemm(ws.deltas[0], layers.get(0).forwardWeights(), ws.denseInputGradient, false, false, 1.0, 0.0);
            float[] gradient = ws.stageGradients[stages.size()];
            ws.denseInputGradient.data().asNioFloat().get(0, gradient, 0, ws.rows * layers.get(0).inputs());
            for (int s = stages.size() - 1; s >= 0; s--) {
                stages.get(s).backward(gradient, ws.stages[s], activation, s > 0 ? ws.stageGradients[s] : null);
                gradient = ws.stageGradients[s];
            }
        }
    }

    private static void addBias(float[] z, float[] bias, int rows) {
        int width = bias.length;
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            for (int k = 0; k < width; k++) {
                z[base + k] += bias[k];
            }
        }
    }

    private static void sumColumns(float[] delta, float[] target, int rows) {
        int width = target.length;
        java.util.Arrays.fill(target, 0f);
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            for (int k = 0; k < width; k++) {
                target[k] += delta[base + k];
            }
        }
    }

    /**
     * Predicts a block of rows.
     *
     * @param features row-major inputs, {@code rows * inputs()} of them
     * @param rows     the number of rows
     * @return the raw outputs, row-major {@code rows * outputs()}
     */
    public float[] predict(float[] features, int rows) {
        if (features.length != rows * inputs()) {
            throw new IllegalArgumentException("expected " + rows + " x " + inputs() + " features, got " + features.length);
        }
        Nd4jRuntime.configureThisThread();
        Workspace ws = new Workspace(this, rows, false);
        ws.inputBuffer.put(0, features, 0, features.length);
        forward(ws);
        return ws.outputs().clone();
    }
}

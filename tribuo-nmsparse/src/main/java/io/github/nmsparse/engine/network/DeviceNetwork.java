package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Objects;

/**
 * A network on the ops executor: the twin of a host {@link Network}, whose weights, masks and running statistics it
 * loads once and publishes back when asked (once an epoch), and in between keeps on the backend. Its forward and
 * backward passes are ND4J ops only, so it computes the same on the CPU and on a device backend.
 */
public final class DeviceNetwork {

    private final Network host;
    private final List<DeviceBlock> blocks;
    private final List<DeviceParameter> parameters;
    private final List<DeviceSparseWeights> sparse;

    private DeviceNetwork(Network host, List<DeviceBlock> blocks) {
        this.host = host;
        this.blocks = blocks;
        this.parameters = blocks.stream().flatMap(block -> block.parameters().stream()).toList();
        this.sparse = blocks.stream().flatMap(block -> block.layers().stream()).map(DeviceLayer::sparse).filter(Objects::nonNull).toList();
    }

    /**
     * @param host the network to mirror; its state is not copied in until {@link #load()}
     * @return the network on the backend
     * @throws UnsupportedOperationException naming a block the ops executor does not run
     */
    public static DeviceNetwork of(Network host) {
        return new DeviceNetwork(host, host.blocks().stream().map(Block::onDevice).toList());
    }

    /** Copies the host network's state in. */
    public void load() {
        blocks.forEach(DeviceBlock::load);
    }

    /** Copies the state out to the host network: parameters, masks, W~, running statistics, and the flips counted. */
    public void publish() {
        blocks.forEach(DeviceBlock::publish);
    }

    /** @return arrays for batches of {@code rows}, reused from step to step */
    public DeviceWorkspace workspace(int rows, boolean training) {
        Object[] buffers = new Object[blocks.size()];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = blocks.get(i).buffers(rows, training);
        }
        return new DeviceWorkspace(rows, training, host.inputs(), host.outputs(), buffers);
    }

    /** Runs the forward pass on the workspace's input; the raw outputs are then its {@link DeviceWorkspace#output()}. */
    public void forward(DeviceWorkspace ws) {
        INDArray x = ws.input;
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(x, ws.buffers[i], ws.training);
        }
        ws.output = x;
    }

    /** Runs the backward pass from the workspace's output gradient; every parameter's gradient is then written. */
    public void backward(DeviceWorkspace ws) {
        if (!ws.training) {
            throw new IllegalStateException("a prediction workspace has no backward buffers");
        }
        INDArray gradient = ws.outputGradient;
        for (int i = blocks.size() - 1; i >= 0; i--) {
            gradient = blocks.get(i).backward(gradient, ws.buffers[i], i > 0);
        }
    }

    /** @return every trainable parameter, in the host network's order */
    public List<DeviceParameter> parameters() {
        return parameters;
    }

    /** @return the N:M state of each sparse layer, input side first */
    public List<DeviceSparseWeights> sparseWeights() {
        return sparse;
    }

    /**
     * Predicts a block of rows with arrays of its own.
     *
     * @param features row-major inputs
     * @param rows     the number of rows
     * @return the raw outputs, row-major
     */
    public float[] predict(float[] features, int rows) {
        DeviceWorkspace ws = workspace(rows, false);
        HostMemory.write(ws.input, features);
        forward(ws);
        return HostMemory.read(ws.output);
    }

    /** A network's arrays for one batch size: the input, each block's buffers and the gradient of the output. */
    public static final class DeviceWorkspace {
        final boolean training;
        final INDArray input;
        final Object[] buffers;
        final INDArray outputGradient;
        INDArray output;

        DeviceWorkspace(int rows, boolean training, int inputs, int outputs, Object[] buffers) {
            this.training = training;
            this.input = Nd4j.create(DataType.FLOAT, rows, inputs);
            this.buffers = buffers;
            this.outputGradient = training ? Nd4j.create(DataType.FLOAT, rows, outputs) : null;
        }

        /** @return the input, {@code rows x inputs}, to fill before the forward pass */
        public INDArray input() {
            return input;
        }

        /** @return the raw outputs of the last forward pass */
        public INDArray output() {
            return output;
        }

        /** @return where dLoss/dOutputs goes before the backward pass */
        public INDArray outputGradient() {
            return outputGradient;
        }
    }
}

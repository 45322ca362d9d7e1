package io.github.nmsparse.engine.network;

import io.github.nmsparse.engine.state.NamedState;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;
import io.github.nmsparse.engine.state.TrainingState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A network of blocks with its weights, trained by forward and backward passes over a {@link Workspace}: GEMMs run
 * on ND4J into preallocated buffers, element-wise work in Java over heap copies of the same values.
 */
public final class Network implements Predictor {

    private final Architecture architecture;
    private final Chain chain;
    private final List<Parameter> parameters;
    private final List<SparseWeights> sparse;
    /** This network on the ops executor, made for the first prediction where Java does not see the arrays' memory. */
    private DeviceNetwork device;

    private Network(Architecture architecture, Chain chain) {
        this.architecture = architecture;
        this.chain = chain;
        this.parameters = chain.parameters();
        for (int i = 0; i < parameters.size(); i++) {
            parameters.get(i).setIndex(i);
        }
        this.sparse = chain.layers().stream().map(Layer::sparse).filter(Objects::nonNull).toList();
    }

    /**
     * Creates the network with seeded initial weights: uniform, He's range for ReLU and GELU, Glorot's for tanh (as
     * the architecture's initialization says), zero biases; the same seed gives bit-identical weights.
     *
     * @param architecture the blocks and the pattern of their sparse layers
     * @param masked       whether the sparse layers carry an N:M mask (false when the method masks none: dense training)
     * @param rng          the source of the initial weights
     * @return the network
     */
    public static Network initialize(Architecture architecture, boolean masked, SplittableRandom rng) {
        Nd4jRuntime.configureThisThread(); // before any array: it chooses the native build ND4J loads
        Init init = new Init(rng, masked ? architecture.pattern() : null, architecture.initialization());
        return new Network(architecture, Chain.build(architecture.input(), architecture.blocks(), init));
    }

    /** @return a dense network that computes what the snapshot predicts, for prediction only */
    static Network restore(NetworkSnapshot snapshot, Architecture architecture) {
        Nd4jRuntime.configureThisThread(); // before any array: it chooses the native build ND4J loads
        return new Network(architecture, Chain.restore(snapshot.input(), snapshot.blocks()));
    }

    /**
     * @param rows     the batch size
     * @param training whether the workspace serves training steps (backward buffers, batch statistics)
     * @return buffers for batches of that size, reused from step to step
     */
    public Workspace workspace(int rows, boolean training) {
        return new Workspace(rows, training, architecture.input(), architecture.output(), chain.buffers(rows, training));
    }

    /** Runs the forward pass on the workspace's input; the raw outputs are then in {@link Workspace#outputs()}. */
    public void forward(Workspace ws) {
        ws.output = chain.forward(ws.input, ws.buffers, ws.training);
    }

    /**
     * Runs the backward pass. On entry {@link Workspace#outputGradient()} holds dLoss/dOutputs; on exit every
     * parameter's gradient is written (with respect to the weights the forward pass used: W~ for a masked layer).
     */
    public void backward(Workspace ws) {
        if (!ws.training) {
            throw new IllegalStateException("a prediction workspace has no backward buffers");
        }
        chain.backward(ws.outputGradient, ws.buffers, false);
    }

    /** @return every trainable parameter, input side first, each knowing its index in this list */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** @return the N:M state of each sparse layer, input side first */
    public List<SparseWeights> sparseWeights() {
        return sparse;
    }

    /**
     * @return what the network carries from step to step, by name: the parameters' values, each sparse layer's mask
     *         and masked weights, and the blocks' running statistics
     */
    public List<NamedState> states() {
        List<NamedState> states = new ArrayList<>();
        states.add(new NamedState("weights", new TrainingState() {
            @Override
            public void save(StateOutput out) throws IOException {
                out.writeInt(parameters.size());
                for (Parameter p : parameters) {
                    out.writeFloats(p.values(), p.size());
                }
            }

            @Override
            public void restore(StateInput in) throws IOException {
                in.require(in.readInt() == parameters.size(), "the parameter count");
                for (Parameter p : parameters) {
                    in.readFloats(p.values(), p.size(), "a " + p.rows() + "x" + p.cols() + " parameter");
                }
            }
        }));
        for (int i = 0; i < sparse.size(); i++) {
            states.add(new NamedState("sparse layer " + i + " (mask and masked weights)", sparse.get(i)));
        }
        states.addAll(chain.states());
        return states;
    }

    /** @return the network's prediction weights, compressed where N:M, with batch normalization folded in */
    public NetworkSnapshot snapshot() {
        return new NetworkSnapshot(architecture.input(), chain.snapshot());
    }

    /**
     * @return the prediction twin on the backend, loaded from the weights as they are at the first call; its blocks keep
     *         no per-call state outside the workspace a call makes, so threads may share it
     */
    private synchronized DeviceNetwork onDevice() {
        if (device == null) {
            device = DeviceNetwork.of(this);
            device.load();
        }
        return device;
    }

    /** @return the top-level blocks, input side first */
    List<Block> blocks() {
        return chain.blocks;
    }

    /** @return the GEMM layers, input side first */
    List<Layer> layers() {
        return chain.layers();
    }

    /** @return the architecture */
    public Architecture architecture() {
        return architecture;
    }

    /** @return the values of one example's input */
    public int inputs() {
        return architecture.input().size();
    }

    /** @return the values of one example's output */
    public int outputs() {
        return architecture.output().size();
    }

    /**
     * @param floatBudget how many floats a prediction's buffers may take
     * @return how many examples one prediction call may hold within the budget, at least 1
     */
    public int rowsWithin(long floatBudget) {
        long perRow = 2L * inputs() + chain.blocks.stream().mapToLong(Block::floatsPerRow).sum();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, floatBudget / perRow));
    }

    /**
     * Predicts a block of rows, with buffers of its own: threads may predict at once. Where Java does not see the
     * arrays' memory (a device backend) it predicts through the ops executor's twin of this network, made once.
     *
     * @param features row-major inputs, {@code rows * inputs()} of them
     * @param rows     the number of rows
     * @return the raw outputs, row-major {@code rows * outputs()}
     */
    @Override
    public float[] predict(float[] features, int rows) {
        if (features.length != rows * inputs()) {
            throw new IllegalArgumentException("expected " + rows + " x " + inputs() + " features, got " + features.length);
        }
        Nd4jRuntime.configureThisThread();
        if (!HostMemory.sharedWithHost()) {
            return onDevice().predict(features, rows);
        }
        Workspace ws = workspace(rows, false);
        ws.input().put(0, features, 0, features.length);
        forward(ws);
        return ws.outputs().clone();
    }
}

package io.github.nmsparse.engine;

import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.network.Network;
import io.github.nmsparse.engine.network.Workspace;
import io.github.nmsparse.engine.optimizer.Optimizer;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The fused executor: the network's own buffers, element-wise work in Java over heap copies, GEMMs on ND4J, and the
 * update fused into one pass per weight row ({@link FusedUpdate}). CPU backend only: it writes arrays through views
 * of their memory.
 */
final class FusedExecutor implements StepExecutor {

    private final Network network;
    private final Objective objective;
    private final TrainingData data;
    private final SparsityMethod method;
    private final Optimizer optimizer;
    private final Map<Integer, Batch> batches = new HashMap<>();
    private final Map<Integer, Workspace> predictions = new HashMap<>();

    /** A batch size's workspace and targets. */
    private record Batch(Workspace workspace, float[] targets) {
    }

    FusedExecutor(Network network, Objective objective, TrainingData data, SparsityMethod method, Optimizer optimizer) {
        this.network = network;
        this.objective = objective;
        this.data = data;
        this.method = method;
        this.optimizer = optimizer;
    }

    @Override
    public Outcome step(int[] order, int from, int size, SparsityMethod.TrainingClock clock, float learningRate, long step) {
        Batch b = batches.computeIfAbsent(size, n -> new Batch(network.workspace(n, true), new float[n * data.outputs()]));
        gather(b, order, from);
        method.beforeStep(network.sparseWeights(), clock);
        Workspace ws = b.workspace();
        network.forward(ws);
        double loss = objective.lossAndGradient(ws.outputs(), b.targets(), ws.outputGradient(), size, network.outputs());
        double accuracy = objective.accuracy(ws.outputs(), b.targets(), size, network.outputs());
        if (Double.isFinite(loss)) {
            network.backward(ws);
            FusedUpdate.apply(network.parameters(), optimizer, method, learningRate, step);
        }
        return new Outcome(loss, accuracy);
    }

    private void gather(Batch b, int[] order, int from) {
        int inputs = data.inputs();
        int outputs = data.outputs();
        FloatBuffer input = b.workspace().input();
        for (int r = 0; r < b.workspace().rows(); r++) {
            int row = order[from + r];
            input.put(r * inputs, data.features(), row * inputs, inputs);
            System.arraycopy(data.targets(), row * outputs, b.targets(), r * outputs, outputs);
        }
    }

    @Override
    public float[] predict(float[] features, int rows) {
        Workspace ws = predictions.computeIfAbsent(rows, n -> network.workspace(n, false));
        ws.input().put(0, features, 0, rows * data.inputs());
        network.forward(ws);
        return ws.outputs().clone();
    }

    /** The network's buffers are the state: nothing to publish. */
    @Override
    public void publish() {
    }

    /** The network's buffers are the state: nothing to reload. */
    @Override
    public void reload() {
    }
}

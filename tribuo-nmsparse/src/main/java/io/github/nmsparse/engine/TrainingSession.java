package io.github.nmsparse.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One training run, step by step. A step: the method prepares the masks, forward, loss, backward, then the fused
 * update (gradient refinement, optimizer, new masks) in one pass over each weight matrix. The data is reshuffled
 * at the start of each epoch. {@link NetworkTrainer} drives whole epochs; benchmarks drive single steps.
 */
public final class TrainingSession {

    private final Mlp network;
    private final Objective objective;
    private final TrainingPlan plan;
    private final TrainingData data;
    private final SparsityMethod method;
    private final List<SparseWeights> sparse = new ArrayList<>();
    private final SplittableRandom shuffler;
    private final LearningRateSchedule schedule;
    private final Map<Integer, Workspace> workspaces = new HashMap<>();
    private final int[] order;
    private final int batch;
    private final int stepsPerEpoch;
    private final Nd4jRuntime.BackendInfo backend;
    private long step;
    private int position;
    private int lastBatchSize;
    private double lastRate;
    private double lastAccuracy;

    private TrainingSession(NetworkSpec spec, Objective objective, TrainingPlan plan, TrainingData data) {
        this.backend = Nd4jRuntime.configureThisThread();
        this.objective = objective;
        this.plan = plan;
        this.data = data;
        SplittableRandom rng = new SplittableRandom(plan.seed());
        this.method = plan.method().create(plan.methodSettings());
        this.network = spec.initialize(rng.split(), method.masksLayers());
        this.shuffler = rng.split();
        if (data.inputs() != network.inputs() || data.outputs() != network.outputs()) {
            throw new IllegalArgumentException("data of " + data.inputs() + " inputs and " + data.outputs()
                    + " outputs does not fit a network of " + network.inputs() + " inputs and " + network.outputs() + " outputs");
        }
        for (Layer layer : network.allLayers()) {
            if (layer.sparse() != null) {
                sparse.add(layer.sparse());
            }
        }
        int rows = data.rows();
        this.batch = Math.min(plan.batchSize(), rows);
        this.stepsPerEpoch = (rows + batch - 1) / batch;
        this.schedule = new LearningRateSchedule(plan.learningRate(), (long) plan.warmupEpochs() * stepsPerEpoch,
                (long) stepsPerEpoch * plan.epochs());
        this.order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
    }

    /**
     * Starts a run: a seeded network, seeded shuffling.
     *
     * @param spec      the architecture
     * @param objective the loss
     * @param plan      how to train
     * @param data      the examples, already encoded and scaled
     * @return the session, before its first step
     */
    public static TrainingSession start(NetworkSpec spec, Objective objective, TrainingPlan plan, TrainingData data) {
        return new TrainingSession(spec, objective, plan, data);
    }

    /**
     * Trains on the next mini-batch.
     *
     * @return the batch's mean loss
     * @throws TrainingDivergedException when the loss stops being finite
     */
    public double step() {
        if (position == 0) {
            shuffle();
        }
        int size = Math.min(batch, data.rows() - position);
        Workspace ws = workspaces.computeIfAbsent(size, n -> new Workspace(network, n, true));
        gather(ws);
        SparsityMethod.TrainingClock clock = new SparsityMethod.TrainingClock(epoch(), plan.epochs());
        for (SparseWeights layer : sparse) {
            method.beforeStep(layer, clock);
        }
        network.forward(ws);
        double loss = objective.lossAndGradient(ws.outputs(), ws.targets, ws.outputGradient(), size, network.outputs());
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException("training diverged: the loss became " + loss + " at epoch "
                    + (epoch() + 1) + ", step " + (step + 1) + "; try a lower learning rate (it was " + plan.learningRate()
                    + ") or check the inputs' scale");
        }
        lastAccuracy = objective.accuracy(ws.outputs(), ws.targets, size, network.outputs());
        network.backward(ws);
        lastRate = schedule.rate(step);
        FusedUpdate.apply(network.parameters(), plan.optimizer(), method, (float) lastRate, step + 1);
        step++;
        lastBatchSize = size;
        position = position + size >= data.rows() ? 0 : position + size;
        return loss;
    }

    /**
     * Moves a freshly started session to the start of epoch {@code epochsDone}, after a checkpoint has restored its
     * weights: the seeded shuffles of the epochs done are replayed, which leaves the shuffler and the example order
     * exactly as the interrupted run had them.
     */
    void resumeAfter(int epochsDone) {
        if (step != 0) {
            throw new IllegalStateException("only a session that has not stepped yet can resume");
        }
        if (epochsDone < 0 || epochsDone > plan.epochs()) {
            throw new IllegalArgumentException("cannot resume after " + epochsDone + " of " + plan.epochs() + " epochs");
        }
        for (int e = 0; e < epochsDone; e++) {
            shuffle();
        }
        step = (long) epochsDone * stepsPerEpoch;
        position = 0;
    }

    private int epoch() {
        return (int) (step / stepsPerEpoch);
    }

    private void shuffle() {
        for (int i = order.length - 1; i > 0; i--) {
            int j = shuffler.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private void gather(Workspace ws) {
        int inputs = data.inputs();
        int outputs = data.outputs();
        for (int r = 0; r < ws.rows; r++) {
            int row = order[position + r];
            ws.inputBuffer.put(r * inputs, data.features(), row * inputs, inputs);
            System.arraycopy(data.targets(), row * outputs, ws.targets, r * outputs, outputs);
        }
    }

    /** @return steps in one epoch, the last batch possibly smaller */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** @return the network being trained */
    public Mlp network() {
        return network;
    }

    int lastBatchSize() {
        return lastBatchSize;
    }

    /** @return the share of correct decisions in the last step's batch, before its update; NaN for regression */
    double lastAccuracy() {
        return lastAccuracy;
    }

    double lastRate() {
        return lastRate;
    }

    List<SparseWeights> sparseLayers() {
        return sparse;
    }

    Nd4jRuntime.BackendInfo backend() {
        return backend;
    }
}

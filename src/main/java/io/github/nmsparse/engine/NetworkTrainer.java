package io.github.nmsparse.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The mini-batch training loop. Per step: the method prepares the masks, forward, loss, backward, then the fused
 * update (gradient refinement, optimizer, new masks) in one pass over each weight matrix. SAD is measured at every
 * epoch's end and handed to the listeners.
 */
public final class NetworkTrainer {

    private NetworkTrainer() {
    }

    /**
     * Trains a network from scratch.
     *
     * @param spec      the architecture
     * @param objective the loss
     * @param plan      how to train
     * @param data      the examples, already encoded and scaled
     * @param listeners told of each epoch
     * @return the trained network and its per-epoch history
     * @throws TrainingDivergedException when the loss or the weights stop being finite
     */
    public static TrainingResult train(NetworkSpec spec, Objective objective, TrainingPlan plan, TrainingData data,
                                       List<? extends TrainingListener> listeners) {
        Nd4jRuntime.BackendInfo backend = Nd4jRuntime.configureThisThread();
        SplittableRandom rng = new SplittableRandom(plan.seed());
        SparsityMethod method = plan.method().create(plan.methodSettings());
        Mlp network = spec.initialize(rng.split(), method.masksLayers());
        SplittableRandom shuffler = rng.split();
        if (data.inputs() != network.inputs() || data.outputs() != network.outputs()) {
            throw new IllegalArgumentException("data of " + data.inputs() + " inputs and " + data.outputs()
                    + " outputs does not fit a network of " + network.inputs() + " inputs and " + network.outputs() + " outputs");
        }
        List<SparseWeights> sparse = new ArrayList<>();
        for (Layer layer : network.layers()) {
            if (layer.sparse() != null) {
                sparse.add(layer.sparse());
            }
        }
        int rows = data.rows();
        int batch = Math.min(plan.batchSize(), rows);
        int stepsPerEpoch = (rows + batch - 1) / batch;
        long totalSteps = (long) stepsPerEpoch * plan.epochs();
        LearningRateSchedule schedule = new LearningRateSchedule(plan.learningRate(),
                (long) plan.warmupEpochs() * stepsPerEpoch, totalSteps);
        Map<Integer, Workspace> workspaces = new HashMap<>();
        SadTracker tracker = new SadTracker(sparse);
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        long step = 0;
        for (int epoch = 0; epoch < plan.epochs(); epoch++) {
            long start = System.nanoTime();
            shuffle(order, shuffler);
            double lossSum = 0;
            double rate = 0;
            for (int first = 0; first < rows; first += batch, step++) {
                int size = Math.min(batch, rows - first);
                Workspace ws = workspaces.computeIfAbsent(size, n -> new Workspace(network, n, true));
                gather(data, order, first, ws);
                SparsityMethod.TrainingClock clock = new SparsityMethod.TrainingClock(epoch, plan.epochs());
                for (SparseWeights layer : sparse) {
                    method.beforeStep(layer, clock);
                }
                network.forward(ws);
                double loss = objective.lossAndGradient(ws.outputs(), ws.targets, ws.outputGradient(), size, network.outputs());
                if (!Double.isFinite(loss)) {
                    throw new TrainingDivergedException("training diverged: the loss became " + loss + " at epoch "
                            + (epoch + 1) + ", step " + (step + 1) + "; try a lower learning rate (it was " + plan.learningRate()
                            + ") or check the inputs' scale");
                }
                network.backward(ws);
                rate = schedule.rate(step);
                FusedUpdate.apply(network.parameters(), plan.optimizer(), method, (float) rate, step + 1);
                lossSum += loss * size;
            }
            EpochRecord record = tracker.epochEnd(epoch + 1, lossSum / rows, rate, (System.nanoTime() - start) / 1e9);
            for (TrainingListener listener : listeners) {
                listener.onEpochEnd(record, plan.epochs());
            }
        }
        requireFiniteWeights(network);
        return new TrainingResult(network, tracker.finish(), backend, plan.optimizer().describe());
    }

    private static void shuffle(int[] order, SplittableRandom rng) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private static void gather(TrainingData data, int[] order, int first, Workspace ws) {
        int inputs = data.inputs();
        int outputs = data.outputs();
        for (int r = 0; r < ws.rows; r++) {
            int row = order[first + r];
            ws.inputBuffer.put(r * inputs, data.features(), row * inputs, inputs);
            System.arraycopy(data.targets(), row * outputs, ws.targets, r * outputs, outputs);
        }
    }

    private static void requireFiniteWeights(Mlp network) {
        for (Parameter parameter : network.parameters()) {
            for (int i = 0; i < parameter.size(); i++) {
                if (!Float.isFinite(parameter.value.get(i))) {
                    throw new TrainingDivergedException("training diverged: a weight became " + parameter.value.get(i)
                            + "; try a lower learning rate or check the inputs' scale");
                }
            }
        }
    }
}

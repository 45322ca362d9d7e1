package io.github.nmsparse.engine;

import java.util.List;

/**
 * Trains for whole epochs through a {@link TrainingSession}, measuring SAD at every epoch's end and handing each
 * epoch's record to the listeners.
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
        TrainingSession session = TrainingSession.start(spec, objective, plan, data);
        SadTracker tracker = new SadTracker(session.sparseLayers());
        for (int epoch = 0; epoch < plan.epochs(); epoch++) {
            long start = System.nanoTime();
            double lossSum = 0;
            double accuracySum = 0;
            for (int s = 0; s < session.stepsPerEpoch(); s++) {
                lossSum += session.step() * session.lastBatchSize();
                accuracySum += session.lastAccuracy() * session.lastBatchSize();
            }
            EpochRecord record = tracker.epochEnd(epoch + 1, lossSum / data.rows(), accuracySum / data.rows(), session.lastRate(),
                    (System.nanoTime() - start) / 1e9);
            for (TrainingListener listener : listeners) {
                listener.onEpochEnd(record, plan.epochs());
            }
        }
        requireFiniteWeights(session.network());
        return new TrainingResult(session.network(), tracker.finish(), session.backend(), plan.optimizer().describe());
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

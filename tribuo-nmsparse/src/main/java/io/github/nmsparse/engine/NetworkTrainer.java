package io.github.nmsparse.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.logging.Logger;

/**
 * Trains for whole epochs through a {@link TrainingSession}, measuring SAD at every epoch's end and handing each
 * epoch's record to the listeners.
 */
public final class NetworkTrainer {

    private static final Logger LOGGER = Logger.getLogger(NetworkTrainer.class.getName());

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
        try {
            return train(spec, objective, plan, data, listeners, null);
        } catch (IOException e) {
            throw new UncheckedIOException("no checkpoint was asked for, yet " + e.getMessage(), e);
        }
    }

    /**
     * Trains a network, saving checkpoints as the policy says and resuming from the one in its directory, if any.
     * A resumed run ends with the same network and history, bit for bit, as an uninterrupted one (the wall-clock
     * seconds of the epochs aside).
     *
     * @param spec        the architecture
     * @param objective   the loss
     * @param plan        how to train
     * @param data        the examples, already encoded and scaled
     * @param listeners   told of each epoch trained in this call
     * @param checkpoints where and how often to save, or null for no checkpoints
     * @return the trained network and its per-epoch history
     * @throws TrainingDivergedException when the loss or the weights stop being finite
     * @throws IOException               when a checkpoint cannot be written, or the one found is damaged
     * @throws IllegalArgumentException  when the checkpoint found belongs to another run
     */
    public static TrainingResult train(NetworkSpec spec, Objective objective, TrainingPlan plan, TrainingData data,
                                       List<? extends TrainingListener> listeners, CheckpointPolicy checkpoints) throws IOException {
        TrainingSession session = TrainingSession.start(spec, objective, plan, data);
        SadTracker tracker = new SadTracker(session.sparseLayers());
        String fingerprint = checkpoints == null ? "" : TrainingCheckpoint.fingerprint(session.network(), objective, plan, data);
        int first = 0;
        if (checkpoints != null && TrainingCheckpoint.exists(checkpoints.directory())) {
            first = TrainingCheckpoint.restore(checkpoints.directory(), fingerprint, session, tracker);
            LOGGER.info("resumed from the checkpoint in " + checkpoints.directory() + " after epoch " + first + " of " + plan.epochs());
        }
        for (int epoch = first; epoch < plan.epochs(); epoch++) {
            long start = System.nanoTime();
            double lossSum = 0;
            double accuracySum = 0;
            for (int s = 0; s < session.stepsPerEpoch(); s++) {
                lossSum += session.step() * session.lastBatchSize();
                accuracySum += session.lastAccuracy() * session.lastBatchSize();
            }
            EpochRecord record = tracker.epochEnd(epoch + 1, lossSum / data.rows(), accuracySum / data.rows(), session.lastRate(),
                    (System.nanoTime() - start) / 1e9);
            if (checkpoints != null && ((epoch + 1) % checkpoints.everyEpochs() == 0 || epoch + 1 == plan.epochs())) {
                TrainingCheckpoint.write(checkpoints.directory(), fingerprint, epoch + 1, session, tracker);
            }
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

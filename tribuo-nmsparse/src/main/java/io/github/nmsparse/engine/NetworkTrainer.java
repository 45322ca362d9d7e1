package io.github.nmsparse.engine;

import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.Nd4jRuntime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * Trains a network for whole epochs, telling listeners of every step and epoch: its own (SAD tracking, the divergence
 * check, the epoch log), the caller's, and the checkpoint's last.
 */
public final class NetworkTrainer {

    private NetworkTrainer() {
    }

    /**
     * Trains a network from scratch.
     *
     * @param architecture the network
     * @param objective    the loss
     * @param plan         how to train
     * @param data         the examples, already encoded and scaled
     * @param listeners    told of each step and epoch, after the trainer's own
     * @return the trained network and its per-epoch history
     * @throws TrainingDivergedException when the loss or the weights stop being finite
     */
    public static TrainingResult train(Architecture architecture, Objective objective, TrainingPlan plan, TrainingData data,
                                       List<? extends TrainingListener> listeners) {
        try {
            return train(architecture, objective, plan, data, listeners, null);
        } catch (IOException e) {
            throw new UncheckedIOException("no checkpoint was asked for, yet " + e.getMessage(), e);
        }
    }

    /**
     * Trains a network, saving checkpoints as the policy says and resuming from the one in its directory, if any.
     * A resumed run ends with the same network and history, bit for bit, as an uninterrupted one (the wall-clock
     * seconds of the epochs aside).
     *
     * @param architecture the network
     * @param objective    the loss
     * @param plan         how to train
     * @param data         the examples, already encoded and scaled
     * @param listeners    told of each step and epoch trained in this call, after the trainer's own
     * @param checkpoints  where and how often to save, or null for no checkpoints
     * @return the trained network and its per-epoch history
     * @throws TrainingDivergedException when the loss or the weights stop being finite
     * @throws IOException               when a checkpoint cannot be written, or the one found is damaged
     * @throws IllegalArgumentException  when the checkpoint found belongs to another run
     */
    public static TrainingResult train(Architecture architecture, Objective objective, TrainingPlan plan, TrainingData data,
                                       List<? extends TrainingListener> listeners, CheckpointPolicy checkpoints) throws IOException {
        return train(architecture, objective, plan, data, listeners, checkpoints, null);
    }

    /**
     * Trains a network as {@link #train(Architecture, Objective, TrainingPlan, TrainingData, List, CheckpointPolicy)}
     * does, on this machine or data-parallel.
     *
     * @param parallel how to spread the steps over replicas, or null to train on this machine
     * @throws IllegalArgumentException when the data cannot be split as asked (see {@link DataParallel})
     * @throws IllegalStateException    when the replicas fail
     */
    public static TrainingResult train(Architecture architecture, Objective objective, TrainingPlan plan, TrainingData data,
                                       List<? extends TrainingListener> listeners, CheckpointPolicy checkpoints, DataParallel parallel)
            throws IOException {
        if (parallel == null) {
            TrainingSession session = new TrainingSession(architecture, objective, plan, data);
            return train(session, data.rows(), plan, listeners, checkpoints, () -> fingerprint(architecture, objective, plan, data, null),
                    (run, all) -> trainEpochHere(session, run, all));
        }
        List<TrainingData> shards = parallel.shards(data, plan.batchSize());
        TrainingData driverData = data.validation() == null ? shards.get(0) : shards.get(0).withValidation(data.validation());
        TrainingSession driver = new TrainingSession(architecture, objective, plan, driverData);
        try (ReplicaRounds rounds = new ReplicaRounds(driver, architecture, objective, plan, shards, parallel)) {
            return train(driver, data.rows(), plan, listeners, checkpoints, () -> fingerprint(architecture, objective, plan, data, parallel),
                    rounds::trainEpoch);
        }
    }

    /** How an epoch's steps are taken: on this machine, or as rounds on replicas. */
    @FunctionalInterface
    private interface EpochSteps {
        EpochTotals trainEpoch(TrainingRun run, List<TrainingListener> listeners) throws IOException;
    }

    /**
     * An epoch's sums over its batches, each weighted by its rows.
     *
     * @param lossSum     the summed losses
     * @param accuracySum the summed accuracies
     * @param lastRate    the last finite step's learning rate
     */
    record EpochTotals(double lossSum, double accuracySum, double lastRate) {
    }

    private static TrainingResult train(TrainingSession session, int rows, TrainingPlan plan, List<? extends TrainingListener> listeners,
                                        CheckpointPolicy checkpoints, Supplier<String> fingerprint, EpochSteps epochSteps)
            throws IOException {
        List<TrainingListener> all = new ArrayList<>();
        all.add(new SadTracker(session.network().sparseWeights()));
        all.add(new DivergenceCheck(plan.learningRate()));
        all.add(new EpochLog());
        all.addAll(listeners);
        if (checkpoints != null) {
            all.add(new CheckpointListener(checkpoints));
        }
        TrainingRun run = new TrainingRun(session, all, fingerprint);
        for (TrainingListener listener : all) {
            listener.onTrainingStart(run);
        }
        for (int epoch = run.epochsDone(); epoch < plan.epochs() && !run.stopped(); epoch++) {
            long start = System.nanoTime();
            EpochTotals totals = epochSteps.trainEpoch(run, all);
            StepExecutor.Outcome validation = session.evaluate();
            run.addEpoch(EpochRecord.of(epoch + 1, totals.lossSum() / rows, totals.accuracySum() / rows,
                    validation == null ? Double.NaN : validation.loss(), validation == null ? Double.NaN : validation.accuracy(),
                    totals.lastRate(), (System.nanoTime() - start) / 1e9));
            for (TrainingListener listener : all) {
                listener.onEpochEnd(run);
            }
        }
        for (TrainingListener listener : all) {
            listener.onTrainingEnd(run);
        }
        return new TrainingResult(session.network(), run.history(), Nd4jRuntime.configureThisThread(), session.executor());
    }

    private static EpochTotals trainEpochHere(TrainingSession session, TrainingRun run, List<TrainingListener> listeners) {
        double lossSum = 0;
        double accuracySum = 0;
        for (int s = 0; s < session.stepsPerEpoch(); s++) {
            double loss = session.step();
            for (TrainingListener listener : listeners) {
                listener.onStepEnd(run, loss);
            }
            lossSum += loss * session.lastBatchSize();
            accuracySum += session.lastAccuracy() * session.lastBatchSize();
        }
        return new EpochTotals(lossSum, accuracySum, session.lastRate());
    }

    /** @return a digest of everything that makes a run what it is: a checkpoint resumes only the run that wrote it */
    private static String fingerprint(Architecture architecture, Objective objective, TrainingPlan plan, TrainingData data,
                                      DataParallel parallel) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            String settings = objective.getClass().getName() + '|' + plan + '|' + architecture + (parallel == null ? "" : "|" + parallel);
            digest.update(settings.getBytes(StandardCharsets.UTF_8));
            ByteBuffer chunk = ByteBuffer.allocate(4 * 65536);
            TrainingData holdOut = data.validation();
            float[][] arrays = holdOut == null ? new float[][] {data.features(), data.targets()}
                    : new float[][] {data.features(), data.targets(), holdOut.features(), holdOut.targets()};
            for (float[] values : arrays) {
                for (int start = 0; start < values.length; start += 65536) {
                    int count = Math.min(65536, values.length - start);
                    chunk.clear();
                    chunk.asFloatBuffer().put(values, start, count);
                    chunk.limit(4 * count);
                    digest.update(chunk);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}

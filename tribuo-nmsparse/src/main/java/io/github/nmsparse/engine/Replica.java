package io.github.nmsparse.engine;

import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.Nd4jRuntime;
import io.github.nmsparse.engine.network.SparseWeights;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.util.List;

/**
 * One shard's part in a data-parallel run: the run's network, loss and plan, and the shard's examples. A round
 * restores the state all replicas start it from, takes some steps on the shard, and returns the state the replica
 * ended with. A round's result depends on its inputs alone, so a round run again (a retried task) returns the same
 * result. The replica keeps its training session between rounds in the JVM that runs them.
 */
public final class Replica implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int index;
    private final Architecture architecture;
    private final Objective objective;
    private final TrainingPlan plan;
    private final TrainingData shard;
    private transient TrainingSession session;

    Replica(int index, Architecture architecture, Objective objective, TrainingPlan plan, TrainingData shard) {
        this.index = index;
        this.architecture = architecture;
        this.objective = objective;
        this.plan = plan;
        this.shard = shard;
    }

    /** @return the shard's number, from 0 */
    public int index() {
        return index;
    }

    /**
     * Runs one round.
     *
     * @param state the state every replica starts the round from: the run's pieces of state, tagged
     * @param steps how many steps to take; a round never crosses an epoch's end
     * @return the state the replica ended with, and what each step measured
     * @throws IllegalStateException when the state does not fit this replica's run
     */
    public synchronized Result round(byte[][] state, int steps) {
        Nd4jRuntime.configureThisThread();
        if (session == null) {
            session = new TrainingSession(architecture, objective, plan, shard);
        }
        try {
            StateSections.restore(session.states(), state, true);
        } catch (IOException e) {
            throw new IllegalStateException("replica " + index + " cannot take the round's state: " + e.getMessage(), e);
        }
        List<SparseWeights> layers = session.network().sparseWeights();
        layers.forEach(SparseWeights::takeFlips);
        double[] losses = new double[steps];
        double[] accuracies = new double[steps];
        int[] rows = new int[steps];
        for (int i = 0; i < steps; i++) {
            losses[i] = session.step();
            accuracies[i] = session.lastAccuracy();
            rows[i] = session.lastBatchSize();
        }
        // Saving first: within an epoch it publishes the ops executor's state, and with it the flips counted there.
        byte[][] ended = StateSections.save(session.states(), true);
        long[] flips = layers.stream().mapToLong(SparseWeights::takeFlips).toArray();
        return new Result(ended, losses, accuracies, rows, flips, session.lastRate());
    }

    /**
     * What a replica's round ended with.
     *
     * @param state      the replica's pieces of state, tagged
     * @param losses     each step's mean loss
     * @param accuracies each step's share of correct decisions (NaN for regression)
     * @param rows       each step's batch size
     * @param flips      the mask flips each sparse layer counted in the round
     * @param lastRate   the last finite step's learning rate
     */
    public record Result(byte[][] state, double[] losses, double[] accuracies, int[] rows, long[] flips, double lastRate)
            implements Serializable {
    }
}

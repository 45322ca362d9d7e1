package io.github.nmsparse.engine;

import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.Parameter;
import io.github.nmsparse.engine.network.SparseWeights;
import io.github.nmsparse.engine.state.NamedState;
import io.github.nmsparse.engine.state.StateMean;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's side of data-parallel training (see {@link DataParallel}): it trains an epoch as rounds of local
 * steps on the replicas, and after each round averages their states into the driver's session, which stands for the
 * run: its network is the one validated, checkpointed and returned.
 */
final class ReplicaRounds implements AutoCloseable {

    private final TrainingSession driver;
    private final ReplicaPool pool;
    private final int localSteps;

    /**
     * @param driver the driver's session, on the first shard's rows (so that it counts steps as the replicas do) and
     *               the hold-out
     * @param shards the shards, one replica each
     */
    ReplicaRounds(TrainingSession driver, Architecture architecture, Objective objective, TrainingPlan plan, List<TrainingData> shards,
                  DataParallel parallel) {
        this.driver = driver;
        this.localSteps = parallel.localSteps();
        List<Replica> replicas = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            replicas.add(new Replica(i, architecture, objective, plan, shards.get(i)));
        }
        this.pool = parallel.pools().open(List.copyOf(replicas));
    }

    /**
     * Trains the rest of the current epoch, telling the listeners of each step with the replicas' mean loss.
     *
     * @return the epoch's summed losses and accuracies, each batch weighted by its rows
     */
    NetworkTrainer.EpochTotals trainEpoch(TrainingRun run, List<TrainingListener> listeners) throws IOException {
        double lossSum = 0;
        double accuracySum = 0;
        double lastRate = Double.NaN;
        int stepsLeft = driver.stepsPerEpoch();
        while (stepsLeft > 0) {
            int steps = Math.min(localSteps, stepsLeft);
            List<Replica.Result> results = pool.round(StateSections.save(driver.states(), true), steps);
            for (int s = 0; s < steps; s++) {
                double stepLoss = 0;
                int stepRows = 0;
                for (Replica.Result result : results) {
                    stepLoss += result.losses()[s] * result.rows()[s];
                    accuracySum += result.accuracies()[s] * result.rows()[s];
                    stepRows += result.rows()[s];
                }
                lossSum += stepLoss;
                for (TrainingListener listener : listeners) {
                    listener.onStepEnd(run, stepLoss / stepRows);
                }
            }
            average(results);
            lastRate = results.get(0).lastRate();
            stepsLeft -= steps;
        }
        return new NetworkTrainer.EpochTotals(lossSum, accuracySum, lastRate);
    }

    /**
     * Sets the driver's state to the replicas' mean ({@link StateMean}), then lets the method recompute each sparse
     * layer's mask from the averaged weights, as after an update. The flips that recomputation makes are not steps'
     * flips; each layer adds instead the mean of the flips its replicas counted in the round to those of the epoch's
     * earlier rounds.
     */
    private void average(List<Replica.Result> results) throws IOException {
        List<SparseWeights> layers = driver.network().sparseWeights();
        long[] counted = layers.stream().mapToLong(SparseWeights::takeFlips).toArray();
        List<NamedState> states = driver.states();
        byte[][] mean = new byte[states.size()][];
        for (int i = 0; i < mean.length; i++) {
            int section = i;
            mean[i] = StateMean.of(results.stream().map(r -> r.state()[section]).toList(), states.get(i).name());
        }
        StateSections.restore(states, mean, true);
        SparsityMethod method = driver.method();
        for (Parameter p : driver.network().parameters()) {
            if (p.sparse() != null) {
                float[] row = new float[p.cols()];
                float[] scratch = new float[p.cols()];
                for (int r = 0; r < p.rows(); r++) {
                    p.readRow(r, row);
                    method.afterUpdateRow(p.sparse(), r, row, scratch);
                    p.writeRow(r, row);
                }
            }
        }
        for (int l = 0; l < layers.size(); l++) {
            layers.get(l).takeFlips();
            long flips = 0;
            for (Replica.Result result : results) {
                flips += result.flips()[l];
            }
            layers.get(l).addFlips(counted[l] + Math.round((double) flips / results.size()));
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}

package io.github.nmsparse.engine;

import java.util.List;

/**
 * Where a data-parallel run's replicas run their rounds: in this JVM one after another ({@link #inThisJvm()}), or
 * as Spark tasks (tribuo-nmsparse-spark). A new place to run replicas is one implementation of this.
 */
public interface ReplicaPool extends AutoCloseable {

    /**
     * Runs one round on every replica, from the same state.
     *
     * @param state the state every replica starts from, as {@link Replica#round} takes it
     * @param steps the steps each replica takes
     * @return each replica's result, in the replicas' order
     */
    List<Replica.Result> round(byte[][] state, int steps);

    /** Releases what the pool holds (a cached data set, say); the replicas are not used again. */
    @Override
    void close();

    /** Opens a pool over a run's replicas. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param replicas one per shard, in shard order
         * @return a pool that runs them
         */
        ReplicaPool open(List<Replica> replicas);
    }

    /** @return pools that run every replica's round in this JVM, one after another: for tests and small runs */
    static Factory inThisJvm() {
        return replicas -> new ReplicaPool() {
            @Override
            public List<Replica.Result> round(byte[][] state, int steps) {
                return replicas.stream().map(replica -> replica.round(state, steps)).toList();
            }

            @Override
            public void close() {
            }
        };
    }
}

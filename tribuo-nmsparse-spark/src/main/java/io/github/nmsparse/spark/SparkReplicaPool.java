package io.github.nmsparse.spark;

import io.github.nmsparse.engine.Replica;
import io.github.nmsparse.engine.ReplicaPool;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

import java.io.Serializable;
import java.util.List;

/**
 * A data-parallel run's replicas as a Spark RDD: one partition per replica, kept in the executors' memory between
 * rounds (with each replica's training session), and one Spark job per round. The round's starting state travels
 * as a broadcast; the replicas' states come back through {@code collect}. A lost task or a lost cached partition is
 * recomputed by Spark from the replica's shard: a round's result depends only on the state and the shard, so the
 * round's result, and the epoch's, are the same.
 */
final class SparkReplicaPool implements ReplicaPool {

    /** What a Spark task does with its replica: the round itself, or in tests a round that fails on purpose. */
    @FunctionalInterface
    interface Round extends Serializable {
        Replica.Result run(Replica replica, byte[][] state, int steps) throws Exception;
    }

    private final JavaSparkContext context;
    private final JavaRDD<Replica> replicas;
    private final Round round;

    SparkReplicaPool(JavaSparkContext context, List<Replica> replicas, Round round) {
        this.context = context;
        this.replicas = context.parallelize(replicas, replicas.size()).persist(StorageLevel.MEMORY_ONLY());
        this.round = round;
    }

    @Override
    public List<Replica.Result> round(byte[][] state, int steps) {
        Broadcast<byte[][]> shared = context.broadcast(state);
        // Locals, so that the closure Spark serializes captures them and not this pool.
        Round task = round;
        try {
            return replicas.map(replica -> task.run(replica, shared.value(), steps)).collect();
        } catch (Exception e) {
            // Spark throws its checked SparkException undeclared; its message names the task's own exception.
            throw new IllegalStateException("a data-parallel round failed on Spark: " + e.getMessage(), e);
        } finally {
            shared.unpersist(false);
        }
    }

    @Override
    public void close() {
        replicas.unpersist(false);
    }
}

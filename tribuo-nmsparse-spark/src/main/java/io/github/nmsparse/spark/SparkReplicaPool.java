package io.github.nmsparse.spark;

import io.github.nmsparse.engine.Replica;
import io.github.nmsparse.engine.ReplicaPool;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

import java.io.Serializable;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A data-parallel run's replicas on Spark, one Spark job per round. Each replica (its shard of the data) is a broadcast
 * of its own, which an executor fetches once, when it first runs that replica, and keeps with the replica's training
 * session between rounds; the tasks are an RDD of the replicas' numbers, cached so that Spark keeps sending a replica's
 * rounds to the executor that holds it. (Replicas as the elements of a parallelized RDD would ship every shard inside
 * every task, every round: 10 MB a task for mnist-10k's halves.) The round's starting state is a broadcast; the
 * replicas' states come back through {@code collect}. A lost task is recomputed by Spark, on another executor if need
 * be, which fetches the replica again: a round's result depends only on the state and the shard, so the round's
 * result, and the epoch's, are the same.
 */
final class SparkReplicaPool implements ReplicaPool {

    /** What a Spark task does with its replica: the round itself, or in tests a round that fails on purpose. */
    @FunctionalInterface
    interface Round extends Serializable {
        Replica.Result run(Replica replica, byte[][] state, int steps) throws Exception;
    }

    private final JavaSparkContext context;
    private final List<Broadcast<Replica>> replicas;
    private final JavaRDD<Integer> tasks;
    private final Round round;

    SparkReplicaPool(JavaSparkContext context, List<Replica> replicas, Round round) {
        this.context = context;
        this.replicas = replicas.stream().map(context::broadcast).toList();
        this.tasks = context.parallelize(IntStream.range(0, replicas.size()).boxed().toList(), replicas.size())
                .persist(StorageLevel.MEMORY_ONLY());
        this.round = round;
    }

    @Override
    public List<Replica.Result> round(byte[][] state, int steps) {
        Broadcast<byte[][]> shared = context.broadcast(state);
        // Locals, so that the closure Spark serializes captures them and not this pool.
        Round task = round;
        List<Broadcast<Replica>> shards = replicas;
        try {
            return tasks.map(i -> task.run(shards.get(i).value(), shared.value(), steps)).collect();
        } catch (Exception e) {
            // Spark throws its checked SparkException undeclared; its message names the task's own exception.
            throw new IllegalStateException("a data-parallel round failed on Spark: " + e.getMessage(), e);
        } finally {
            shared.unpersist(false);
        }
    }

    @Override
    public void close() {
        tasks.unpersist(false);
        replicas.forEach(Broadcast::destroy);
    }
}

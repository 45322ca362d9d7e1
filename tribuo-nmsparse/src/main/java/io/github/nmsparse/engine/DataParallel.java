package io.github.nmsparse.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How a run trains data-parallel (local SGD with model averaging): the examples are split into shards, one replica
 * per shard, row {@code i} to shard {@code i % partitions}. Each round, every replica starts from the same state and
 * takes {@code localSteps} steps of the run's method and optimizer on its shard; the driver then averages their
 * weights, optimizer moments and running statistics, and the method recomputes the masks from the averaged dense
 * weights, so that SR-STE's and ASP's semantics hold. A round never crosses an epoch's end, so that SAD, flips and the
 * validation hold-out are measured per epoch as on one machine. An epoch is one pass of every replica over its shard:
 * {@code 1 / partitions} of a single-machine epoch's steps.
 *
 * <p>With one partition and {@code localSteps} at least an epoch's steps, training is exactly the single-machine
 * run's.
 */
public final class DataParallel {

    private final int partitions;
    private final int localSteps;
    private final ReplicaPool.Factory pools;

    /**
     * @param partitions the number of shards and replicas
     * @param localSteps the steps each replica takes between averages
     * @param pools      where the replicas run
     * @throws IllegalArgumentException when a count is below 1 or the pools are missing
     */
    public DataParallel(int partitions, int localSteps, ReplicaPool.Factory pools) {
        if (partitions < 1) {
            throw new IllegalArgumentException("data-parallel training needs at least 1 partition, got " + partitions);
        }
        if (localSteps < 1) {
            throw new IllegalArgumentException("data-parallel training needs at least 1 local step between averages, got " + localSteps);
        }
        if (pools == null) {
            throw new IllegalArgumentException("data-parallel training needs a place to run its replicas");
        }
        this.partitions = partitions;
        this.localSteps = localSteps;
        this.pools = pools;
    }

    /** @return the number of shards and replicas */
    public int partitions() {
        return partitions;
    }

    /** @return the steps each replica takes between averages */
    public int localSteps() {
        return localSteps;
    }

    ReplicaPool.Factory pools() {
        return pools;
    }

    /**
     * @param data  the training rows (a hold-out stays with the driver)
     * @param batch the batch size
     * @return the shards, row {@code i} in shard {@code i % partitions}, in the rows' order
     * @throws IllegalArgumentException when there are fewer rows than partitions, or the shards would take different
     *                                  numbers of steps per epoch (replicas average after the same steps)
     */
    List<TrainingData> shards(TrainingData data, int batch) {
        if (data.rows() < partitions) {
            throw new IllegalArgumentException(data.rows() + " training rows cannot be split into " + partitions + " partitions");
        }
        List<TrainingData> shards = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int first = p;
            shards.add(data.select(IntStream.iterate(first, i -> i < data.rows(), i -> i + partitions).toArray()));
        }
        int largest = shards.get(0).rows();
        int smallest = shards.get(partitions - 1).rows();
        int effectiveBatch = Math.min(batch, smallest);
        if (Math.min(batch, largest) != effectiveBatch || steps(largest, effectiveBatch) != steps(smallest, effectiveBatch)) {
            throw new IllegalArgumentException("the " + data.rows() + " training rows split into " + partitions + " partitions of "
                    + smallest + " to " + largest + " rows, which take different numbers of steps per epoch at batch size " + batch
                    + " (" + steps(smallest, effectiveBatch) + " and " + steps(largest, Math.min(batch, largest))
                    + "); replicas average after the same steps, so choose another number of partitions or batch size");
        }
        return shards;
    }

    private static int steps(int rows, int batch) {
        return (rows + batch - 1) / batch;
    }

    /** @return the settings, as a run's fingerprint records them */
    @Override
    public String toString() {
        return "data-parallel over " + partitions + " partitions, " + localSteps + " local steps between averages";
    }
}

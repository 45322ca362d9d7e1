package io.github.nmsparse.spark;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import io.github.nmsparse.engine.DataParallel;
import io.github.nmsparse.tribuo.NMSparseModel;
import io.github.nmsparse.tribuo.NMSparseTrainer;
import org.apache.spark.api.java.JavaSparkContext;
import org.tribuo.Dataset;
import org.tribuo.Output;
import org.tribuo.Trainer;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

import java.util.HashMap;
import java.util.Map;

/**
 * Trains an {@link NMSparseTrainer}'s network data-parallel on Apache Spark: the training rows are split into
 * {@code partitions} shards, one replica per shard as one cached RDD partition, and every {@code localSteps} steps the
 * driver averages the replicas' weights, optimizer moments and running statistics, after which the training method
 * recomputes the masks from the averaged dense weights (see {@link DataParallel}). Every other setting is the wrapped
 * trainer's, unchanged; the model is an ordinary {@link NMSparseModel} whose provenance names this trainer, so it
 * records the master, the partitions and the local steps with the wrapped trainer's settings.
 *
 * <p>An epoch is one pass of every replica over its shard. With one partition and {@code localSteps} at least an
 * epoch's steps, training is exactly the wrapped trainer's on one machine.
 *
 * @param <T> the output type
 */
public final class SparkNMSparseTrainer<T extends Output<T>> implements Trainer<T> {

    /** The run provenance key of the master the replicas ran on, as Spark reports it. */
    public static final String MASTER = "nmsparse.spark.master";
    /** The run provenance key of the Spark version the replicas ran on. */
    public static final String VERSION = "nmsparse.spark.version";

    @Config(mandatory = true, description = "The trainer whose settings every replica trains with.")
    private NMSparseTrainer<T> trainer;

    @Config(description = "Spark master URL, e.g. local[2] or spark://host:7077; under spark-submit, the master it was given.")
    private String master = "local[2]";

    @Config(description = "Number of shards of the training rows, one replica each.")
    private int partitions = 2;

    @Config(description = "Steps each replica takes between two averages; fewer average more often and cost more synchronisation.")
    private int localSteps = 8;

    /** A Spark context the application runs, joined instead of starting one; never configured. */
    private JavaSparkContext context;

    /** For OLCUT. */
    private SparkNMSparseTrainer() {
    }

    /**
     * @param trainer the trainer whose settings every replica trains with
     * @param <T>     the output type
     * @return a builder with the defaults: {@code local[2]}, 2 partitions, 8 local steps
     */
    public static <T extends Output<T>> Builder<T> builder(NMSparseTrainer<T> trainer) {
        return new Builder<>(trainer);
    }

    /** @throws PropertyException when the trainer is missing or a count is below 1 */
    @Override
    public void postConfig() {
        if (trainer == null) {
            throw new PropertyException("", "trainer", "trainer is mandatory: the NMSparseTrainer whose settings the replicas train with");
        }
        if (master == null || master.isBlank()) {
            throw new PropertyException("", "master", "master must be a Spark master URL such as local[2], got '" + master + "'");
        }
        if (partitions < 1) {
            throw new PropertyException("", "partitions", "partitions must be at least 1, got " + partitions);
        }
        if (localSteps < 1) {
            throw new PropertyException("", "localSteps", "localSteps must be at least 1, got " + localSteps);
        }
    }

    @Override
    public NMSparseModel<T> train(Dataset<T> examples) {
        return train(examples, Map.of());
    }

    @Override
    public NMSparseModel<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance) {
        return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
    }

    /**
     * Trains on Spark: joins the context given to the builder, or starts one on {@code master} for this call and stops
     * it after.
     *
     * @throws IllegalStateException    when Spark is not on the class path, cannot start, or a round fails on every
     *                                  attempt Spark gives it
     * @throws IllegalArgumentException when the data is unusable or cannot be split into the partitions
     */
    @Override
    public NMSparseModel<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance, int invocationCount) {
        if (invocationCount != INCREMENT_INVOCATION_COUNT) {
            trainer.setInvocationCount(invocationCount);
        }
        try (SparkJob job = context != null ? SparkJob.join(context) : SparkJob.start(master, "tribuo-nmsparse training", Map.of())) {
            Map<String, Provenance> run = new HashMap<>(runProvenance);
            run.put(MASTER, new StringProvenance(MASTER, job.master()));
            run.put(VERSION, new StringProvenance(VERSION, job.sparkVersion()));
            return trainer.trainDataParallel(examples, run, new DataParallel(partitions, localSteps, job.replicaPools()), this::getProvenance);
        }
    }

    /** @return the wrapped trainer's count: the two count the same trainings */
    @Override
    public int getInvocationCount() {
        return trainer.getInvocationCount();
    }

    @Override
    public void setInvocationCount(int invocationCount) {
        trainer.setInvocationCount(invocationCount);
    }

    @Override
    public TrainerProvenance getProvenance() {
        return new TrainerProvenanceImpl(this);
    }

    @Override
    public String toString() {
        return "SparkNMSparseTrainer(master=" + master + ", partitions=" + partitions + ", localSteps=" + localSteps + ", trainer=" + trainer + ")";
    }

    /**
     * Builds a {@link SparkNMSparseTrainer}.
     *
     * @param <T> the output type
     */
    public static final class Builder<T extends Output<T>> {
        private final SparkNMSparseTrainer<T> built = new SparkNMSparseTrainer<>();
        private boolean done;

        private Builder(NMSparseTrainer<T> trainer) {
            built.trainer = trainer;
        }

        /** @param master the Spark master URL a training starts its context on */
        public Builder<T> master(String master) {
            requireUnbuilt();
            built.master = master;
            return this;
        }

        /** @param context a Spark context the application runs: trainings join it and leave it running */
        public Builder<T> sparkContext(JavaSparkContext context) {
            requireUnbuilt();
            built.context = context;
            built.master = context.master();
            return this;
        }

        /** @param partitions the number of shards, one replica each */
        public Builder<T> partitions(int partitions) {
            requireUnbuilt();
            built.partitions = partitions;
            return this;
        }

        /** @param localSteps the steps each replica takes between averages */
        public Builder<T> localSteps(int localSteps) {
            requireUnbuilt();
            built.localSteps = localSteps;
            return this;
        }

        /**
         * @return the trainer
         * @throws PropertyException when a setting is out of range
         */
        public SparkNMSparseTrainer<T> build() {
            requireUnbuilt();
            built.postConfig();
            done = true;
            return built;
        }

        private void requireUnbuilt() {
            if (done) {
                throw new IllegalStateException("this builder has built its trainer already; start a new builder");
            }
        }
    }
}

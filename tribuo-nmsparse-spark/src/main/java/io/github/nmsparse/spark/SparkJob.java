package io.github.nmsparse.spark;

import io.github.nmsparse.engine.Replica;
import io.github.nmsparse.engine.ReplicaPool;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A connection to Apache Spark for the length of a job: it runs independent tasks, one Spark task each, and stops the
 * Spark context it started when closed; it leaves a context it joined running.
 *
 * <p>Spark retries a failed task on another attempt (up to {@code spark.task.maxFailures}, 4 by default on a cluster;
 * a {@code local[N]} master does not retry, {@code local[N,F]} tries F times), so a task must be safe to run again
 * from the start after a failure at any point.
 */
public final class SparkJob implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SparkJob.class.getName());

    private final JavaSparkContext context;
    private final boolean started;

    private SparkJob(JavaSparkContext context, boolean started) {
        this.context = context;
        this.started = started;
    }

    /**
     * A unit of work that Spark may run on any executor, and again after a failure.
     *
     * @param <I> its input
     * @param <O> its result
     */
    @FunctionalInterface
    public interface Task<I, O> extends Serializable {
        /**
         * @param input one input
         * @return its result
         * @throws Exception a failure, which fails the Spark task (and, once Spark has no attempts left, the job)
         */
        O run(I input) throws Exception;
    }

    /**
     * Starts a Spark context for this job, as a driver. Under {@code spark-submit} this is how an application starts
     * its context; give the master that {@code spark-submit} was given.
     *
     * @param master   the Spark master URL, e.g. {@code local[2]} or {@code spark://host:7077}
     * @param appName  the application's name in Spark's UI and logs
     * @param settings further Spark settings, e.g. {@code spark.ui.enabled=false}
     * @return the job, which stops the context when closed
     * @throws IllegalStateException when Spark is not on the class path, spark-submit was given another master, or a
     *                               Spark context runs in this JVM already (then use {@link #join})
     */
    public static SparkJob start(String master, String appName, Map<String, String> settings) {
        SparkClassPath.require();
        // spark-submit hands its master to the application as this property; a different one here would win silently.
        String submitted = System.getProperty("spark.master");
        if (submitted != null && !submitted.equals(master)) {
            throw new IllegalStateException("spark-submit was given the master " + submitted + " but this job asks for "
                    + master + ": give both the same master");
        }
        SparkConf conf = new SparkConf().setMaster(master).setAppName(appName);
        settings.forEach(conf::set);
        JavaSparkContext context;
        try {
            context = new JavaSparkContext(conf);
        } catch (Exception e) {
            // Spark throws its checked SparkException undeclared, for one, when a context runs in this JVM already.
            throw new IllegalStateException("could not start Spark on " + master + ": " + e.getMessage(), e);
        }
        LOG.info(() -> "started a Spark context on " + context.master() + ", Spark " + context.version());
        return new SparkJob(context, true);
    }

    /**
     * @param context a Spark context the application runs
     * @return a job on that context, which leaves it running when closed
     */
    public static SparkJob join(JavaSparkContext context) {
        return new SparkJob(context, false);
    }

    /**
     * Runs {@code task} on each input, as one Spark task per input, and waits for all of them.
     *
     * @param inputs the inputs, serializable: they travel to the executors
     * @param task   the work, serializable with what it captures
     * @param <I>    the input type
     * @param <O>    the result type, serializable: results travel back to the driver
     * @return the results, in the order of the inputs
     * @throws IllegalStateException when a task failed on every attempt Spark gave it
     */
    public <I extends Serializable, O extends Serializable> List<O> runEach(List<I> inputs, Task<I, O> task) {
        if (inputs.isEmpty()) {
            return List.of();
        }
        try {
            return context.parallelize(inputs, inputs.size()).map(task::run).collect();
        } catch (Exception e) {
            // Spark throws its checked SparkException undeclared; its message names the task's own exception and its
            // attempts.
            throw new IllegalStateException("the Spark job failed: " + e.getMessage(), e);
        }
    }

    /** @return where data-parallel training runs its replicas on this job's Spark: one cached partition each */
    public ReplicaPool.Factory replicaPools() {
        return replicaPools(Replica::round);
    }

    /** @return replica pools whose tasks run {@code round}: for tests, a round that fails on purpose */
    ReplicaPool.Factory replicaPools(SparkReplicaPool.Round round) {
        return replicas -> new SparkReplicaPool(context, replicas, round);
    }

    /** @return the master the job's context runs on, e.g. {@code local[2]} */
    public String master() {
        return context.master();
    }

    /** @return the Spark version of the job's context */
    public String sparkVersion() {
        return context.version();
    }

    /** @return the number of tasks Spark runs at once by default, e.g. 2 on {@code local[2]} */
    public int parallelism() {
        return context.defaultParallelism();
    }

    /** Stops the Spark context if this job started it. */
    @Override
    public void close() {
        if (started) {
            context.stop();
        }
    }
}

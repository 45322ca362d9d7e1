package io.github.nmsparse.spark;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.tribuo.NMSparseModel;
import io.github.nmsparse.tribuo.NMSparseTrainer;
import io.github.nmsparse.tribuo.SparsityProvenance;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;

import java.util.List;

/**
 * The data-parallel epoch time and accuracy on {@code local[2]} against one machine, for BENCHMARKS.md: a ready-made
 * trainer (the first argument if it is not a number; default the README's MLP, mlp-sr-ste-2-4) on datasets/mnist-10k,
 * one machine first, then two replicas at each local-step count given (default 1 8 32). The epoch time is the median of the epochs' own times (first epoch excluded, as warm-up),
 * from the model's history. Run from the repository root with the Spark JVM options (see BENCHMARKS.md).
 */
public final class DataParallelBenchmark {

    private DataParallelBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 && !args[0].matches("\\d+") ? args[0] : "mlp-sr-ste-2-4";
        String[] counts = java.util.Arrays.stream(args).filter(a -> a.matches("\\d+")).toArray(String[]::new);
        int[] localSteps = counts.length == 0 ? new int[] {1, 8, 32} : java.util.Arrays.stream(counts).mapToInt(Integer::parseInt).toArray();
        Dataset<Label> train = SparkTrainingTest.mnist("train");
        Dataset<Label> test = SparkTrainingTest.mnist("test");
        System.out.println(name + " on datasets/mnist-10k");
        long alone = System.nanoTime();
        NMSparseModel<Label> single = trainer(name).train(train);
        report("one machine", single, test, (System.nanoTime() - alone) / 1e9);
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("data-parallel benchmark").set("spark.ui.enabled", "false");
        try (JavaSparkContext context = new JavaSparkContext(conf)) {
            for (int k : localSteps) {
                SparkNMSparseTrainer<Label> spark = SparkNMSparseTrainer.builder(trainer(name)).sparkContext(context).partitions(2)
                        .localSteps(k).build();
                long start = System.nanoTime();
                NMSparseModel<Label> model = spark.train(train);
                report("local[2], 2 replicas, " + k + " local steps", model, test, (System.nanoTime() - start) / 1e9);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static NMSparseTrainer<Label> trainer(String name) {
        return (NMSparseTrainer<Label>) new ConfigurationManager("/plugin-descriptor/nmsparse-trainers.xml").lookup(name);
    }

    private static void report(String what, NMSparseModel<Label> model, Dataset<Label> test, double wall) {
        List<EpochRecord> history = SparsityProvenance.history(model.getProvenance());
        double[] seconds = history.stream().skip(1).mapToDouble(EpochRecord::seconds).sorted().toArray();
        double total = history.stream().mapToDouble(EpochRecord::seconds).sum();
        double accuracy = new LabelEvaluator().evaluate(model, test).accuracy();
        System.out.printf("%-36s epochs %d  median epoch %.3f s  all epochs %.1f s  wall %.1f s  test accuracy %.2f%%%n", what,
                history.size(), seconds[seconds.length / 2], total, wall, 100 * accuracy);
    }
}

package io.github.nmsparse.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkJobTest {

    /** Settings for tests: no web UI, so that runs in parallel do not fight over its port. */
    static final Map<String, String> QUIET = Map.of("spark.ui.enabled", "false");

    @Test
    void runsEachInputAsATaskAndKeepsTheirOrder() {
        List<Integer> inputs = IntStream.range(0, 7).boxed().toList();
        try (SparkJob spark = SparkJob.start("local[2]", "test", QUIET)) {
            assertEquals(2, spark.parallelism());
            List<String> results = spark.runEach(inputs, i -> i + ":" + Thread.currentThread().getName().startsWith("Executor task launch"));
            assertEquals(IntStream.range(0, 7).mapToObj(i -> i + ":true").toList(), results, "each input ran as a Spark task, in order");
            assertEquals(List.of(), spark.runEach(List.<Integer>of(), i -> i));
        }
    }

    @Test
    void retriesATaskThatFailedOnceWhenTheMasterAllowsAttempts(@TempDir Path directory) {
        String marker = directory.resolve("failed-once").toString();
        // local[2,2]: two attempts per task, as a cluster gives four by default.
        try (SparkJob spark = SparkJob.start("local[2,2]", "test", QUIET)) {
            List<Integer> results = spark.runEach(List.of(1, 2, 3), i -> {
                if (i == 2 && !Files.exists(Path.of(marker))) {
                    Files.createFile(Path.of(marker));
                    throw new IllegalStateException("task 2 fails on its first attempt");
                }
                return i * 10;
            });
            assertEquals(List.of(10, 20, 30), results);
        }
        assertTrue(Files.exists(Path.of(marker)), "the task did fail once");
    }

    @Test
    void aTaskThatFailsOnEveryAttemptFailsTheJobNamingItsCause() {
        try (SparkJob spark = SparkJob.start("local[2]", "test", QUIET)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> spark.runEach(List.of(1, 2), i -> {
                if (i == 2) {
                    throw new java.io.IOException("no data file at /nowhere");
                }
                return i;
            }));
            assertTrue(e.getMessage().startsWith("the Spark job failed: "), e.getMessage());
            assertTrue(e.getMessage().contains("no data file at /nowhere"), e.getMessage());
            // The context is still usable after a failed job.
            assertEquals(List.of(3), spark.runEach(List.of(3), i -> i));
        }
    }

    @Test
    void refusesASecondContextInOneJvmAndJoinsARunningOneWithoutStoppingIt() {
        try (SparkJob first = SparkJob.start("local[1]", "test", QUIET)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SparkJob.start("local[1]", "test", QUIET));
            assertTrue(e.getMessage().startsWith("could not start Spark on local[1]: ") && e.getMessage().contains("SparkContext"), e.getMessage());
        }
        SparkConf conf = new SparkConf().setMaster("local[1]").setAppName("an application's own context").set("spark.ui.enabled", "false");
        try (JavaSparkContext context = new JavaSparkContext(conf)) {
            try (SparkJob joined = SparkJob.join(context)) {
                assertEquals(List.of(1), joined.runEach(List.of(1), i -> i));
            }
            assertEquals(List.of(2), context.parallelize(List.of(2)).collect(), "closing a joined job left the context running");
        }
    }
}

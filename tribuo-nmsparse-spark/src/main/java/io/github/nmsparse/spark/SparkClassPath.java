package io.github.nmsparse.spark;

/**
 * Checks that Spark is on the class path before any class that uses it loads. Spark is a provided dependency:
 * {@code spark-submit} supplies it, and so does the Maven command's {@code -Pspark}.
 */
final class SparkClassPath {

    private SparkClassPath() {
    }

    /** @throws IllegalStateException naming the fix when Spark's classes are missing */
    static void require() {
        try {
            Class.forName("org.apache.spark.api.java.JavaSparkContext", false, SparkClassPath.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Apache Spark is not on the class path: run under spark-submit, add Spark"
                    + " (spark-core) to the application, or add -Pspark to the Maven command (README, \"Scaling out\")", e);
        }
    }
}

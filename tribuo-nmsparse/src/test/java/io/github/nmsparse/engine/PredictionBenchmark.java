package io.github.nmsparse.engine;

import io.github.nmsparse.bench.MnistData;
import io.github.nmsparse.core.CompressedNM;
import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.network.Nd4jRuntime;
import io.github.nmsparse.engine.network.Network;
import io.github.nmsparse.engine.network.NetworkSnapshot;
import io.github.nmsparse.engine.network.Predictor;
import io.github.nmsparse.engine.network.Workspace;
import io.github.nmsparse.engine.optimizer.AdamW;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Single-example prediction of the README's 2:4 network (784-256-128-10, trained for one epoch): the N:M kernel
 * against the same network run dense through ND4J. Run:
 * {@code mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test -Dexec.mainClass=io.github.nmsparse.engine.PredictionBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PredictionBenchmark {

    private Predictor kernel;
    private Network dense;
    private Network keptForBatches;
    private Workspace reused;
    private float[] example;
    private float[] batch;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Nd4jRuntime.configureThisThread();
        TrainingData data = MnistData.train();
        TrainingPlan plan = TrainingPlan.builder().method(new SrSte()).optimizer(new AdamW(5e-4)).learningRate(1e-3).epochs(1)
                .warmupEpochs(0).batchSize(128).seed(1).build();
        TrainingSession session = new TrainingSession(TestNetworks.mlp(784, NMPattern.parse("2:4"), 10, 256, 128),
                new SoftmaxCrossEntropy(), plan, data);
        for (int s = 0; s < session.stepsPerEpoch(); s++) {
            session.step();
        }
        NetworkSnapshot snapshot = session.network().snapshot();
        kernel = snapshot.sparseKernel().orElseThrow();
        dense = snapshot.toNetwork();
        keptForBatches = snapshot.toNetwork();
        example = Arrays.copyOfRange(data.features(), 0, 784);
        batch = Arrays.copyOfRange(data.features(), 0, BATCH * 784);
        reused = dense.workspace(1, false);
    }

    private static final int BATCH = 2000;

    /** @return the outputs, so the work is not optimized away */
    @Benchmark
    public float[] nmKernel() {
        return kernel.predict(example, 1);
    }

    /** @return the outputs, so the work is not optimized away */
    @Benchmark
    public float[] denseNd4j() {
        return dense.predict(example, 1);
    }

    /** @return the outputs; the dense path with its buffers allocated once, its fastest form */
    @Benchmark
    public float[] denseNd4jReusedBuffers() {
        reused.input().put(0, example);
        dense.forward(reused);
        return reused.outputs();
    }

    /**
     * @return the outputs of 2,000 examples as the model predicts them: the dense form it keeps (softly) after its
     *         first large batch, in blocks of up to 4,096 rows that keep the buffers within 64 MB (one block here)
     */
    @Benchmark
    public float[] batchAsTheModel() {
        int block = Math.min(4096, keptForBatches.rowsWithin(1L << 24));
        if (block >= BATCH) {
            return keptForBatches.predict(batch, BATCH); // the model's one encoded block is this array
        }
        float[] out = new float[BATCH * 10];
        for (int first = 0; first < BATCH; first += block) {
            int rows = Math.min(block, BATCH - first);
            float[] outputs = keptForBatches.predict(Arrays.copyOfRange(batch, first * 784, (first + rows) * 784), rows);
            System.arraycopy(outputs, 0, out, first * 10, outputs.length);
        }
        return out;
    }

    /** @return the outputs of 2,000 examples from a dense network kept in memory, in one call */
    @Benchmark
    public float[] batchDenseNd4j() {
        return dense.predict(batch, BATCH);
    }

    /**
     * Runs the benchmarks and prints the ratios.
     *
     * @param args JMH's own options
     * @throws RunnerException            when JMH fails
     * @throws CommandLineOptionException when the options are not JMH's
     */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Collection<RunResult> results = new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(PredictionBenchmark.class.getName()).build()).run();
        double kernelUs = Double.NaN;
        double denseUs = Double.NaN;
        double reusedUs = Double.NaN;
        double batchModelUs = Double.NaN;
        double batchDenseUs = Double.NaN;
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            double score = r.getPrimaryResult().getScore();
            if (name.endsWith("nmKernel")) {
                kernelUs = score;
            } else if (name.endsWith("denseNd4j")) {
                denseUs = score;
            } else if (name.endsWith("batchAsTheModel")) {
                batchModelUs = score;
            } else if (name.endsWith("batchDenseNd4j")) {
                batchDenseUs = score;
            } else {
                reusedUs = score;
            }
        }
        NMLayout layout = new NMLayout(256, 784, NMPattern.parse("2:4"));
        System.out.printf(Locale.ROOT, "%nJava %s; the N:M kernel here: %s%n", Runtime.version(),
                CompressedNM.compress(FloatBuffer.allocate((int) layout.size()), layout).vectorProduct().kernel());
        System.out.printf(Locale.ROOT, "%n| single example, 784-256-128-10 2:4 | latency (us) | N:M kernel / this |%n|---|---|---|%n"
                + "| N:M kernel | %.1f | 1.00 |%n| dense through ND4J (Network.predict, buffers per call) | %.1f | %.2f |%n"
                + "| dense through ND4J, buffers reused | %.1f | %.2f |%n", kernelUs, denseUs, kernelUs / denseUs, reusedUs, kernelUs / reusedUs);
        System.out.printf(Locale.ROOT, "%n| 2,000 examples, 784-256-128-10 2:4 | time (ms) | model / this |%n|---|---|---|%n"
                + "| as the model predicts them (its dense form, kept softly after the first large batch, blocks of up to 4,096) | %.2f | 1.00 |%n"
                + "| dense network kept in memory, one ND4J call | %.2f | %.2f |%n", batchModelUs / 1000, batchDenseUs / 1000, batchModelUs / batchDenseUs);
    }
}

package io.github.nmsparse.bench;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMMask;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.network.Nd4jRuntime;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
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

import java.nio.FloatBuffer;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The N:M mask of a 1024x1024 layer (recomputed from the weights, masked weights written, flips counted: the
 * per-step work of STE and SR-STE) against one forward GEMM of that layer at batch 128, side by side in one run.
 * Run: {@code mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test -Dexec.mainClass=io.github.nmsparse.bench.MaskBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MaskBenchmark {

    private static final int SIZE = 1024;
    private static final int BATCH = 128;

    @Param({"2:4", "4:8", "1:8", "1:16", "16:32"})
    public String pattern;

    private NMMask mask;
    private FloatBuffer weights;
    private FloatBuffer masked;
    private INDArray input;
    private INDArray weightMatrix;
    private INDArray output;
    /** Kept so that ND4J does not free the memory behind {@code masked}. */
    private INDArray maskedMatrix;

    @Setup(Level.Trial)
    public void setUp() {
        Nd4jRuntime.configureThisThread();
        weightMatrix = Nd4j.rand(DataType.FLOAT, SIZE, SIZE).subi(0.5);
        input = Nd4j.rand(DataType.FLOAT, BATCH, SIZE);
        output = Nd4j.create(DataType.FLOAT, BATCH, SIZE);
        weights = weightMatrix.data().asNioFloat();
        maskedMatrix = Nd4j.create(DataType.FLOAT, SIZE, SIZE);
        masked = maskedMatrix.data().asNioFloat();
        mask = NMMask.of(weights, new NMLayout(SIZE, SIZE, NMPattern.parse(pattern)));
    }

    /** @return the flips, so the work is not optimized away */
    @Benchmark
    public long maskUpdate() {
        return mask.update(weights, masked);
    }

    /** @return the flips, so the work is not optimized away */
    @Benchmark
    public long maskOnly() {
        return mask.update(weights, null);
    }

    /** @return the output, so the work is not optimized away */
    @Benchmark
    public INDArray forwardGemm() {
        Nd4jRuntime.configureThisThread();
        return Nd4j.gemm(input, weightMatrix, output, false, true, 1.0, 0.0);
    }

    /**
     * Runs both benchmarks and prints the ratio table.
     *
     * @param args JMH's own options, e.g. {@code -p pattern=2:4}
     * @throws RunnerException when JMH fails
     * @throws CommandLineOptionException when the options are not JMH's
     */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Collection<RunResult> results = new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(MaskBenchmark.class.getName()).build()).run();
        System.out.println();
        System.out.println("| pattern | mask + masked weights + flips (us) | mask + flips only (us) | forward GEMM 128x1024x1024 (us) | full mask / GEMM |");
        System.out.println("|---|---|---|---|---|");
        for (RunResult update : results) {
            if (update.getParams().getBenchmark().endsWith("maskUpdate")) {
                String p = update.getParams().getParam("pattern");
                double full = update.getPrimaryResult().getScore();
                double only = score(results, "maskOnly", p);
                double gemm = score(results, "forwardGemm", p);
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.2f |%n", p, full, only, gemm, full / gemm);
            }
        }
    }

    private static double score(Collection<RunResult> results, String benchmark, String pattern) {
        for (RunResult result : results) {
            if (result.getParams().getBenchmark().endsWith(benchmark) && pattern.equals(result.getParams().getParam("pattern"))) {
                return result.getPrimaryResult().getScore();
            }
        }
        return Double.NaN;
    }
}

package io.github.nmsparse.engine;

import io.github.nmsparse.bench.MnistData;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.method.Dense;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.network.Nd4jRuntime;
import io.github.nmsparse.engine.optimizer.AdamW;
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

import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One training step (batch 128, AdamW, datasets/mnist-10k) of DENSE and SR-STE on the README's MLP and a wide one,
 * with the GEMM peak measured in the same run. Run:
 * {@code mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test -Dexec.mainClass=io.github.nmsparse.engine.TrainingStepBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainingStepBenchmark {

    @Param({"784-256-128-10", "784-1024-1024-10"})
    public String network;

    @Param({"DENSE", "SR_STE 2:4", "SR_STE 1:8"})
    public String method;

    private TrainingSession session;
    private INDArray a;
    private INDArray b;
    private INDArray c;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Nd4jRuntime.configureThisThread();
        int[] widths = Arrays.stream(network.split("-")).mapToInt(Integer::parseInt).toArray();
        String[] parts = method.split(" ");
        TrainingData data = MnistData.train();
        NMPattern pattern = parts.length > 1 ? NMPattern.parse(parts[1]) : null;
        TrainingPlan plan = TrainingPlan.builder().method(parts[0].equals("DENSE") ? new Dense() : new SrSte(2e-4))
                .optimizer(new AdamW(5e-4)).learningRate(1e-3).epochs(1000).warmupEpochs(0).batchSize(128).seed(1).build();
        session = new TrainingSession(TestNetworks.mlp(widths[0], pattern, widths[widths.length - 1],
                Arrays.copyOfRange(widths, 1, widths.length - 1)), new SoftmaxCrossEntropy(), plan, data);
        a = Nd4j.rand(DataType.FLOAT, 128, 1024);
        b = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        c = Nd4j.create(DataType.FLOAT, 128, 1024);
    }

    /** @return the loss, so the work is not optimized away */
    @Benchmark
    public double trainingStep() {
        return session.step();
    }

    /** @return the result, so the work is not optimized away; the GEMM peak of this machine in this run */
    @Benchmark
    public INDArray gemmPeak() {
        return Nd4j.gemm(a, b, c, false, true, 1.0, 0.0);
    }

    /** @return the floating-point operations of one step: forward, weight gradients, input gradients but the first */
    static double stepFlops(String network) {
        int[] w = Arrays.stream(network.split("-")).mapToInt(Integer::parseInt).toArray();
        double flops = 0;
        for (int i = 0; i + 1 < w.length; i++) {
            flops += 2.0 * 128 * w[i] * w[i + 1] * (i == 0 ? 2 : 3);
        }
        return flops;
    }

    /**
     * Runs the benchmarks and prints the table of step times, SR-STE over DENSE, and efficiency.
     *
     * @param args JMH's own options, e.g. {@code -p network=784-256-128-10}
     * @throws RunnerException            when JMH fails
     * @throws CommandLineOptionException when the options are not JMH's
     */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Collection<RunResult> results = new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(TrainingStepBenchmark.class.getName()).build()).run();
        double peakFlops = 0;
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().endsWith("gemmPeak")) {
                peakFlops = Math.max(peakFlops, 2.0 * 128 * 1024 * 1024 / (r.getPrimaryResult().getScore() * 1e-6));
            }
        }
        System.out.printf(Locale.ROOT, "%nGEMM peak in this run (128x1024x1024): %.1f GFLOP/s%n%n", peakFlops / 1e9);
        System.out.println("| network | method | step (ms) | vs DENSE | GFLOP/s | efficiency (FLOPs / (time x peak)) |");
        System.out.println("|---|---|---|---|---|---|");
        for (RunResult r : results) {
            if (!r.getParams().getBenchmark().endsWith("trainingStep")) {
                continue;
            }
            String net = r.getParams().getParam("network");
            String m = r.getParams().getParam("method");
            double ms = r.getPrimaryResult().getScore() / 1e3;
            double dense = Double.NaN;
            for (RunResult d : results) {
                if (d.getParams().getBenchmark().endsWith("trainingStep") && net.equals(d.getParams().getParam("network"))
                        && "DENSE".equals(d.getParams().getParam("method"))) {
                    dense = d.getPrimaryResult().getScore() / 1e3;
                }
            }
            double flops = stepFlops(net);
            System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.1f | %.2f |%n", net, m, ms, ms / dense,
                    flops / (ms * 1e-3) / 1e9, flops / (ms * 1e-3) / peakFlops);
        }
    }
}

package io.github.nmsparse.engine;

import io.github.nmsparse.bench.MnistData;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.method.Dense;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.Nd4jRuntime;
import io.github.nmsparse.engine.network.Shape;
import io.github.nmsparse.engine.optimizer.AdamW;
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
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One training step (batch 128, AdamW, datasets/mnist-10k) on the OPS executor against the FUSED one, side by side in
 * one run, for the README's MLP and the residual component's network, DENSE and SR-STE 2:4. Run:
 * {@code mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test -Dexec.mainClass=io.github.nmsparse.engine.ExecutorStepBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ExecutorStepBenchmark {

    /** The residual component's blocks (plugin descriptor, resnet-sr-ste-2-4). */
    static final String RESNET = "conv 16x3p1, bn, relu, residual(conv 16x3p1, bn, relu, conv 16x3p1, bn), relu, "
            + "residual(conv 32x3s2p1, bn, relu, conv 32x3p1, bn), relu, residual(conv 64x3s2p1, bn, relu, conv 64x3p1, bn), relu, gap";

    @Param({"mlp 784-256-128-10", "resnet"})
    public String network;

    @Param({"DENSE", "SR_STE"})
    public String method;

    @Param({"FUSED", "OPS"})
    public String executor;

    private TrainingSession session;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Nd4jRuntime.configureThisThread();
        boolean dense = method.equals("DENSE");
        NMPattern pattern = dense ? null : NMPattern.parse("2:4");
        Architecture architecture = network.equals("resnet")
                ? Architecture.builder(new Shape(1, 28, 28)).pattern(pattern).blocks(RESNET).output(10, false).build()
                : TestNetworks.mlp(784, pattern, 10, 256, 128);
        TrainingPlan plan = TrainingPlan.builder().method(dense ? new Dense() : new SrSte(2e-4)).optimizer(new AdamW(5e-4))
                .learningRate(1e-3).epochs(1000).warmupEpochs(0).batchSize(128).seed(1).executor(Executor.valueOf(executor)).build();
        session = new TrainingSession(architecture, new SoftmaxCrossEntropy(), plan, MnistData.train());
    }

    /** @return the loss, so the work is not optimized away */
    @Benchmark
    public double trainingStep() {
        return session.step();
    }

    /**
     * Runs the benchmarks and prints the step times and OPS over FUSED.
     *
     * @param args JMH's own options, e.g. {@code -p network=resnet}
     * @throws RunnerException            when JMH fails
     * @throws CommandLineOptionException when the options are not JMH's
     */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Collection<RunResult> results = new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(ExecutorStepBenchmark.class.getName()).build()).run();
        System.out.println();
        System.out.println("| network | method | FUSED step (ms) | OPS step (ms) | OPS / FUSED |");
        System.out.println("|---|---|---|---|---|");
        for (RunResult fused : results) {
            if (!fused.getParams().getParam("executor").equals("FUSED")) {
                continue;
            }
            String net = fused.getParams().getParam("network");
            String m = fused.getParams().getParam("method");
            for (RunResult ops : results) {
                if (ops.getParams().getParam("executor").equals("OPS") && net.equals(ops.getParams().getParam("network"))
                        && m.equals(ops.getParams().getParam("method"))) {
                    double f = fused.getPrimaryResult().getScore() / 1e3;
                    double o = ops.getPrimaryResult().getScore() / 1e3;
                    System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f |%n", net, m, f, o, o / f);
                }
            }
        }
    }
}

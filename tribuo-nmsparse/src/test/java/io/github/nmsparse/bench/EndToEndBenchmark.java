package io.github.nmsparse.bench;

import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.NetworkTrainer;
import io.github.nmsparse.engine.SoftmaxCrossEntropy;
import io.github.nmsparse.engine.TrainingData;
import io.github.nmsparse.engine.TrainingPlan;
import io.github.nmsparse.engine.TrainingResult;
import io.github.nmsparse.engine.method.Dense;
import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.GemmTiming;
import io.github.nmsparse.engine.network.Nd4jRuntime;
import io.github.nmsparse.engine.network.Shape;
import io.github.nmsparse.engine.optimizer.AdamW;

import java.util.List;
import java.util.Locale;

/**
 * End-to-end training time of the shipped networks on datasets/mnist-10k, DENSE and SR-STE 2:4, from the network's
 * initialization to the last step (the JIT's warm-up included), at this project's defaults: the networks of issue
 * 14's table, each with its component's settings. {@code scripts/pytorch_end_to_end.py} is its peer and
 * {@code scripts/bench-vs-pytorch.sh} joins the two into one table. It prints the BLAS ND4J runs on and a 1024^3
 * matmul timed in the same run, then one {@code RESULT network method seconds} line per run. Arguments pick networks
 * by name (all by default).
 * Run: {@code mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test
 * -Dexec.mainClass=io.github.nmsparse.bench.EndToEndBenchmark -Dnmsparse.args='[mlp mlp-wide cnn resnet]'}
 */
public final class EndToEndBenchmark {

    /**
     * A network as a benchmark runs it: its blocks on a 1x28x28 or 784-wide input and its training settings.
     *
     * @param name         its name on the command line
     * @param input        its input shape
     * @param blocks       its blocks before the 10-way dense output layer
     * @param epochs       the epochs it trains
     * @param batchSize    examples per step
     * @param learningRate the peak learning rate
     * @param weightDecay  AdamW's decoupled weight decay
     */
    public record Network(String name, Shape input, String blocks, int epochs, int batchSize, double learningRate, double weightDecay) {
    }

    private static final List<Network> NETWORKS = List.of(
            new Network("mlp", Shape.vector(784), "dense 256, relu, dense 128, relu", 30, 128, 2e-3, 5e-4),
            new Network("mlp-wide", Shape.vector(784), "dense 1024, relu, dense 1024, relu", 5, 128, 2e-3, 5e-4),
            new Network("cnn", new Shape(1, 28, 28),
                    "conv 16x3p1, relu, maxpool 2, conv 32x3p1, relu, maxpool 2, flatten, dense 128, relu", 8, 128, 2e-3, 5e-4),
            new Network("resnet", new Shape(1, 28, 28), "conv 16x3p1, bn, relu, residual(conv 16x3p1, bn, relu, conv 16x3p1, bn), relu,"
                    + " residual(conv 32x3s2p1, bn, relu, conv 32x3p1, bn), relu,"
                    + " residual(conv 64x3s2p1, bn, relu, conv 64x3p1, bn), relu, gap", 8, 32, 5e-3, 1e-1));

    private EndToEndBenchmark() {
    }

    /** @return the networks, in the order of issue 14's table */
    public static List<Network> networks() {
        return NETWORKS;
    }

    /**
     * @param args network names to run, all when none
     * @throws Exception when the data cannot be read
     */
    public static void main(String[] args) throws Exception {
        Nd4jRuntime.BackendInfo backend = Nd4jRuntime.configureThisThread();
        System.out.printf(Locale.ROOT, "BLAS this project: ND4J %s %s %s, %s, BLAS threads %d, OpenMP threads %d; 1024^3 matmul %.2f ms%n",
                backend.backend(), backend.version(), backend.nativeBuild(), backend.blasVendor(), backend.blasThreads(), backend.ompThreads(), GemmTiming.matmul1024Millis());
        TrainingData data = MnistData.train();
        for (Network network : NETWORKS) {
            if (args.length > 0 && !List.of(args).contains(network.name())) {
                continue;
            }
            for (SparsityMethod method : List.of(new Dense(), new SrSte())) {
                Architecture architecture = Architecture.builder(network.input()).pattern(NMPattern.parse("2:4"))
                        .blocks(network.blocks()).output(10, false).build();
                TrainingPlan plan = TrainingPlan.builder().method(method).optimizer(new AdamW(network.weightDecay()))
                        .learningRate(network.learningRate()).epochs(network.epochs()).warmupEpochs(1).batchSize(network.batchSize())
                        .seed(1).build();
                long start = System.nanoTime();
                TrainingResult result = NetworkTrainer.train(architecture, new SoftmaxCrossEntropy(), plan, data, List.of());
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "RESULT %s %s %.2f (%d epochs, last training loss %.4f)%n", network.name(),
                        method instanceof Dense ? "DENSE" : "SR_STE_2:4", seconds, network.epochs(),
                        result.history().get(result.history().size() - 1).loss());
            }
        }
    }
}

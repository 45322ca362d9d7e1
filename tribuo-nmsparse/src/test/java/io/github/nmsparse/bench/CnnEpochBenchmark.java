package io.github.nmsparse.bench;

import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.engine.NetworkTrainer;
import io.github.nmsparse.engine.SoftmaxCrossEntropy;
import io.github.nmsparse.engine.TrainingData;
import io.github.nmsparse.engine.TrainingPlan;
import io.github.nmsparse.engine.method.Dense;
import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.Nd4jRuntime;
import io.github.nmsparse.engine.network.Shape;
import io.github.nmsparse.engine.optimizer.AdamW;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Seconds per training epoch of the plugin's image networks on datasets/mnist-10k, DENSE and SR-STE 2:4, with the
 * settings of their plugin-descriptor components: cnn-sr-ste-2-4 (two 3x3 convolutions of 16 and 32 channels with
 * 2x2 max pooling, a 128-unit hidden layer; batch 128, AdamW lr 2e-3, weight decay 5e-4) and resnet-sr-ste-2-4 (a
 * stem convolution, three residual stages of 16, 32 and 64 channels, global average pooling; batch 32, AdamW lr 5e-3,
 * weight decay 1e-1). The median of 4 epochs after one of warm-up. Epochs take seconds, so a plain clock is precise
 * enough; JMH adds nothing. The argument {@code cnn} or {@code resnet} picks one network (both by default).
 * Run: {@code mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test -Dexec.mainClass=io.github.nmsparse.bench.CnnEpochBenchmark}
 */
public final class CnnEpochBenchmark {

    private record Network(String name, String description, String blocks, int batchSize, double learningRate, double weightDecay) {
    }

    private static final List<Network> NETWORKS = List.of(
            new Network("cnn", "784 (1x28x28) - 16x3p1/2 - 32x3p1/2 - 128 - 10",
                    "conv 16x3p1, relu, maxpool 2, conv 32x3p1, relu, maxpool 2, flatten, dense 128, relu", 128, 2e-3, 5e-4),
            new Network("resnet", "resnet-sr-ste-2-4: stem 16, residual 16 / 32s2 / 64s2 with BN, gap, 10",
                    "conv 16x3p1, bn, relu, residual(conv 16x3p1, bn, relu, conv 16x3p1, bn), relu,"
                            + " residual(conv 32x3s2p1, bn, relu, conv 32x3p1, bn), relu,"
                            + " residual(conv 64x3s2p1, bn, relu, conv 64x3p1, bn), relu, gap", 32, 5e-3, 1e-1));

    private CnnEpochBenchmark() {
    }

    /**
     * @param args optionally {@code cnn} or {@code resnet}
     * @throws Exception when the data cannot be read
     */
    public static void main(String[] args) throws Exception {
        Nd4jRuntime.configureThisThread();
        TrainingData data = MnistData.train();
        System.out.printf(Locale.ROOT, "| network | method | seconds per epoch (median of 4, after 1) |%n|---|---|---|%n");
        for (Network network : NETWORKS) {
            if (args.length > 0 && !args[0].equals(network.name())) {
                continue;
            }
            for (SparsityMethod method : List.of(new Dense(), new SrSte())) {
                Architecture architecture = Architecture.builder(new Shape(1, 28, 28)).pattern(NMPattern.parse("2:4"))
                        .blocks(network.blocks()).output(10, false).build();
                TrainingPlan plan = TrainingPlan.builder().method(method).optimizer(new AdamW(network.weightDecay()))
                        .learningRate(network.learningRate()).epochs(5).warmupEpochs(1).batchSize(network.batchSize()).seed(1).build();
                List<EpochRecord> history = NetworkTrainer.train(architecture, new SoftmaxCrossEntropy(), plan, data, List.of()).history();
                double[] seconds = history.stream().skip(1).mapToDouble(EpochRecord::seconds).sorted().toArray();
                double median = (seconds[1] + seconds[2]) / 2;
                System.out.printf(Locale.ROOT, "| %s | %s | %.2f (all: %s) |%n", network.description(), method.describe(), median,
                        Arrays.toString(Arrays.stream(seconds).map(s -> Math.round(s * 100) / 100.0).toArray()));
            }
        }
    }
}

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
 * enough; JMH adds nothing. The networks and their settings are {@link EndToEndBenchmark}'s image networks; the
 * argument {@code cnn} or {@code resnet} picks one (both by default).
 * Run: {@code mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test -Dexec.mainClass=io.github.nmsparse.bench.CnnEpochBenchmark}
 */
public final class CnnEpochBenchmark {

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
        for (EndToEndBenchmark.Network network : EndToEndBenchmark.networks()) {
            if (network.input().isVector() || (args.length > 0 && !args[0].equals(network.name()))) {
                continue;
            }
            for (SparsityMethod method : List.of(new Dense(), new SrSte())) {
                Architecture architecture = Architecture.builder(network.input()).pattern(NMPattern.parse("2:4"))
                        .blocks(network.blocks()).output(10, false).build();
                TrainingPlan plan = TrainingPlan.builder().method(method).optimizer(new AdamW(network.weightDecay()))
                        .learningRate(network.learningRate()).epochs(5).warmupEpochs(1).batchSize(network.batchSize()).seed(1).build();
                List<EpochRecord> history = NetworkTrainer.train(architecture, new SoftmaxCrossEntropy(), plan, data, List.of()).history();
                double[] seconds = history.stream().skip(1).mapToDouble(EpochRecord::seconds).sorted().toArray();
                double median = (seconds[1] + seconds[2]) / 2;
                System.out.printf(Locale.ROOT, "| %s | %s | %.2f (all: %s) |%n", network.name(), method.describe(), median,
                        Arrays.toString(Arrays.stream(seconds).map(s -> Math.round(s * 100) / 100.0).toArray()));
            }
        }
    }
}

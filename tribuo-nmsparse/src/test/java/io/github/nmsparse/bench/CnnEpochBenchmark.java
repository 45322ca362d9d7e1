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
 * Seconds per training epoch of the plugin's cnn-sr-ste-2-4 network (two 3x3 convolutions of 16 and 32 channels
 * with 2x2 max pooling, a 128-unit hidden layer) on datasets/mnist-10k, batch 128, AdamW, DENSE and SR-STE 2:4: the
 * median of 4 epochs after one of warm-up. Epochs take seconds, so a plain clock is precise enough; JMH adds nothing.
 * Run: {@code mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test -Dexec.mainClass=io.github.nmsparse.bench.CnnEpochBenchmark}
 */
public final class CnnEpochBenchmark {

    private CnnEpochBenchmark() {
    }

    /**
     * @param args ignored
     * @throws Exception when the data cannot be read
     */
    public static void main(String[] args) throws Exception {
        Nd4jRuntime.configureThisThread();
        TrainingData data = MnistData.train();
        System.out.printf(Locale.ROOT, "| network | method | seconds per epoch (median of 4, after 1) |%n|---|---|---|%n");
        for (SparsityMethod method : List.of(new Dense(), new SrSte())) {
            Architecture network = Architecture.builder(new Shape(1, 28, 28)).pattern(NMPattern.parse("2:4"))
                    .blocks("conv 16x3p1, relu, maxpool 2, conv 32x3p1, relu, maxpool 2, flatten, dense 128, relu").output(10, false).build();
            TrainingPlan plan = TrainingPlan.builder().method(method).optimizer(new AdamW(5e-4)).learningRate(2e-3).epochs(5)
                    .warmupEpochs(1).batchSize(128).seed(1).build();
            List<EpochRecord> history = NetworkTrainer.train(network, new SoftmaxCrossEntropy(), plan, data, List.of()).history();
            double[] seconds = history.stream().skip(1).mapToDouble(EpochRecord::seconds).sorted().toArray();
            double median = (seconds[1] + seconds[2]) / 2;
            System.out.printf(Locale.ROOT, "| 784 (1x28x28) - 16x3p1/2 - 32x3p1/2 - 128 - 10 | %s | %.2f (all: %s) |%n", method.describe(), median,
                    Arrays.toString(Arrays.stream(seconds).map(s -> Math.round(s * 100) / 100.0).toArray()));
        }
    }
}

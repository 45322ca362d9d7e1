package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.Shape;
import io.github.nmsparse.engine.optimizer.AdamW;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The warm-up of the CNN's training, which end-to-end times include: three epochs of the cnn-sr-ste-2-4 network
 * (8,000 random 28x28 images, batch 128), each epoch's seconds and the JIT's compilation time up to its end. Start a
 * fresh JVM per measurement and alternate the builds compared. Run: {@code mvn -q -pl tribuo-nmsparse test-compile
 * exec:exec -Dexec.skip=false -Dexec.classpathScope=test -Dexec.mainClass=io.github.nmsparse.engine.WarmUpBenchmark}
 */
public final class WarmUpBenchmark {

    private WarmUpBenchmark() {
    }

    public static void main(String[] args) {
        Architecture cnn = Architecture.builder(new Shape(1, 28, 28)).pattern(NMPattern.parse("2:4"))
                .blocks("conv 16x3p1, relu, maxpool 2, conv 32x3p1, relu, maxpool 2, flatten, dense 128, relu").output(10, false).build();
        SplittableRandom rng = new SplittableRandom(1);
        int rows = 8000;
        float[] x = new float[rows * 784];
        float[] y = new float[rows * 10];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        for (int i = 0; i < rows; i++) {
            y[i * 10 + rng.nextInt(10)] = 1;
        }
        TrainingPlan plan = TrainingPlan.builder().method(new SrSte()).optimizer(new AdamW()).learningRate(2e-3).epochs(3).batchSize(128)
                .seed(1).build();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        List<String> epochs = new ArrayList<>();
        long[] last = {System.nanoTime()};
        TrainingListener clock = new TrainingListener() {
            @Override
            public void onEpochEnd(TrainingRun run) {
                long now = System.nanoTime();
                epochs.add(String.format("epoch %d %.2f s (JIT so far %.2f s)", run.epochsDone(), (now - last[0]) / 1e9,
                        jit.getTotalCompilationTime() / 1e3));
                last[0] = now;
            }
        };
        NetworkTrainer.train(cnn, new SoftmaxCrossEntropy(), plan, new TrainingData(x, y, rows), List.of(clock));
        System.out.println(String.join(", ", epochs));
    }
}

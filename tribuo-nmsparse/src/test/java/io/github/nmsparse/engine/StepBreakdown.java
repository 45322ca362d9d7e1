package io.github.nmsparse.engine;

import io.github.nmsparse.bench.EndToEndBenchmark;
import io.github.nmsparse.bench.MnistData;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.method.Dense;
import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.Nd4jRuntime;
import io.github.nmsparse.engine.network.Network;
import io.github.nmsparse.engine.network.Workspace;
import io.github.nmsparse.engine.optimizer.AdamW;
import io.github.nmsparse.engine.optimizer.Optimizer;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Where a fused training step's time goes, phase by phase, for the networks of {@link EndToEndBenchmark}: the batch
 * gathered (data), the method's masks (mask), forward, loss, backward, and the fused update (optimizer, with the
 * gradient refinement and the masks of the next step for SR-STE). The phases are {@link FusedExecutor#step}'s, run one
 * after another with a clock between them; the median of 200 steps after 50 of warm-up, in ms. Its PyTorch peer is
 * {@code scripts/pytorch_step_breakdown.py}. Arguments pick networks by name.
 * Run: {@code mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test
 * -Dexec.mainClass=io.github.nmsparse.engine.StepBreakdown -Dnmsparse.args='[mlp mlp-wide cnn resnet]'}
 */
public final class StepBreakdown {

    private static final String[] PHASES = {"data", "mask", "forward", "loss", "backward", "update"};
    private static final int WARMUP = 50;
    private static final int STEPS = 200;

    private StepBreakdown() {
    }

    /**
     * @param args network names, all when none
     * @throws Exception when the data cannot be read
     */
    public static void main(String[] args) throws Exception {
        Nd4jRuntime.configureThisThread();
        TrainingData data = MnistData.train();
        System.out.println("| network | method | " + String.join(" | ", PHASES) + " | step (ms, median of " + STEPS + ") |");
        System.out.println("|---|---|" + "---|".repeat(PHASES.length + 1));
        for (var spec : EndToEndBenchmark.networks()) {
            if (args.length > 0 && !List.of(args).contains(spec.name())) {
                continue;
            }
            for (SparsityMethod method : List.of(new Dense(), new SrSte())) {
                double[] medians = measure(spec, method, data);
                StringBuilder row = new StringBuilder("| " + spec.name() + " | " + (method instanceof Dense ? "DENSE" : "SR_STE 2:4") + " |");
                for (double median : medians) {
                    row.append(String.format(Locale.ROOT, " %.3f |", median));
                }
                System.out.println(row);
            }
        }
    }

    /** @return the median ms of each phase, then of the whole step */
    private static double[] measure(EndToEndBenchmark.Network spec, SparsityMethod prototype, TrainingData data) {
        Architecture architecture = Architecture.builder(spec.input()).pattern(NMPattern.parse("2:4")).blocks(spec.blocks())
                .output(10, false).build();
        SparsityMethod method = prototype.copy();
        Optimizer optimizer = new AdamW(spec.weightDecay());
        Network network = Network.initialize(architecture, method.masksLayers(), new SplittableRandom(1));
        optimizer.initialise(network.parameters());
        Objective objective = new SoftmaxCrossEntropy();
        int batch = spec.batchSize();
        Workspace ws = network.workspace(batch, true);
        float[] targets = new float[batch * 10];
        int[] order = new int[data.rows()];
        SplittableRandom shuffle = new SplittableRandom(2);
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double[][] times = new double[PHASES.length + 1][STEPS];
        for (int step = 0; step < WARMUP + STEPS; step++) {
            int from = (step * batch) % (data.rows() - batch);
            if (from < batch) {
                for (int i = order.length - 1; i > 0; i--) {
                    int j = shuffle.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
            long[] clock = new long[PHASES.length + 1];
            clock[0] = System.nanoTime();
            FloatBuffer input = ws.input();
            for (int r = 0; r < batch; r++) {
                int row = order[from + r];
                input.put(r * data.inputs(), data.features(), row * data.inputs(), data.inputs());
                System.arraycopy(data.targets(), row * 10, targets, r * 10, 10);
            }
            clock[1] = System.nanoTime();
            method.beforeStep(network.sparseWeights(), new SparsityMethod.TrainingClock(0, spec.epochs()));
            clock[2] = System.nanoTime();
            network.forward(ws);
            clock[3] = System.nanoTime();
            objective.lossAndGradient(ws.outputs(), targets, ws.outputGradient(), batch, 10);
            objective.accuracy(ws.outputs(), targets, batch, 10);
            clock[4] = System.nanoTime();
            network.backward(ws);
            clock[5] = System.nanoTime();
            FusedUpdate.apply(network.parameters(), optimizer, method, (float) spec.learningRate(), step + 1);
            clock[6] = System.nanoTime();
            if (step >= WARMUP) {
                for (int p = 0; p < PHASES.length; p++) {
                    times[p][step - WARMUP] = (clock[p + 1] - clock[p]) / 1e6;
                }
                times[PHASES.length][step - WARMUP] = (clock[PHASES.length] - clock[0]) / 1e6;
            }
        }
        double[] medians = new double[times.length];
        for (int p = 0; p < times.length; p++) {
            double[] sorted = times[p].clone();
            Arrays.sort(sorted);
            medians[p] = (sorted[STEPS / 2 - 1] + sorted[STEPS / 2]) / 2;
        }
        return medians;
    }
}

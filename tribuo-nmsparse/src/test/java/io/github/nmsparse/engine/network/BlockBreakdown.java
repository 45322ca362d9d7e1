package io.github.nmsparse.engine.network;

import io.github.nmsparse.bench.EndToEndBenchmark;
import io.github.nmsparse.core.NMPattern;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Where a training step's forward and backward time goes, block by block, for the networks of
 * {@link EndToEndBenchmark} (top-level blocks: a residual block's time includes its body), on the fused executor's
 * blocks with oneDNN's ops and, for comparison, on the im2col path. A block's time includes copying its input to the
 * side of the tensor it reads (heap or off-heap), as in a real step. Mean ms over 60 steps after 30, on random input.
 * Arguments pick networks by name (cnn and resnet when none).
 * Run: {@code mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test
 * -Dexec.mainClass=io.github.nmsparse.engine.network.BlockBreakdown -Dnmsparse.args='[cnn resnet]'}
 */
public final class BlockBreakdown {

    private static final int WARMUP = 30;
    private static final int STEPS = 60;

    private BlockBreakdown() {
    }

    /** @param args network names, cnn and resnet when none */
    public static void main(String[] args) {
        Nd4jRuntime.configureThisThread();
        List<String> wanted = args.length == 0 ? List.of("cnn", "resnet") : List.of(args);
        for (EndToEndBenchmark.Network spec : EndToEndBenchmark.networks()) {
            if (!wanted.contains(spec.name())) {
                continue;
            }
            Architecture architecture = Architecture.builder(spec.input()).pattern(NMPattern.parse("2:4")).blocks(spec.blocks())
                    .output(10, false).build();
            System.out.printf(Locale.ROOT, "%n%s, batch %d (ms per step)%n%n| block | output | forward, oneDNN | backward, oneDNN "
                    + "| forward, im2col | backward, im2col |%n|---|---|---|---|---|---|%n", spec.name(), spec.batchSize());
            double[][] oneDnn = time(architecture, spec.batchSize(), true);
            double[][] im2col = time(architecture, spec.batchSize(), false);
            Chain chain = build(architecture);
            double[] total = new double[4];
            for (int i = 0; i < chain.blocks.size(); i++) {
                Block block = chain.blocks.get(i);
                double[] row = {oneDnn[0][i], oneDnn[1][i], im2col[0][i], im2col[1][i]};
                System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %.2f |%n", block.getClass().getSimpleName(), block.output,
                        row[0], row[1], row[2], row[3]);
                for (int k = 0; k < 4; k++) {
                    total[k] += row[k];
                }
            }
            System.out.printf(Locale.ROOT, "| all | | %.2f | %.2f | %.2f | %.2f |%n", total[0], total[1], total[2], total[3]);
        }
    }

    private static Chain build(Architecture architecture) {
        return Chain.build(architecture.input(), architecture.blocks(), new Init(new SplittableRandom(1), null, architecture.initialization()));
    }

    /** @return per block, mean forward ms and mean backward ms */
    private static double[][] time(Architecture architecture, int rows, boolean oneDnn) {
        Nd4jRuntime.useOneDnn(oneDnn);
        try {
            Chain chain = build(architecture);
            Object[] buffers = chain.buffers(rows, true);
            int n = chain.blocks.size();
            double[][] nanos = new double[2][n];
            Tensor x = new Tensor(rows, architecture.input());
            float[] input = x.writeHeap();
            SplittableRandom rng = new SplittableRandom(2);
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) rng.nextDouble();
            }
            Shape last = chain.blocks.get(n - 1).output;
            for (int step = 0; step < WARMUP + STEPS; step++) {
                boolean timed = step >= WARMUP;
                Tensor t = x;
                for (int i = 0; i < n; i++) {
                    long start = System.nanoTime();
                    t = chain.blocks.get(i).forward(t, buffers[i], true);
                    nanos[0][i] += timed ? System.nanoTime() - start : 0;
                }
                Tensor gradient = new Tensor(rows, last);
                float[] g = gradient.writeHeap();
                for (int i = 0; i < g.length; i++) {
                    g[i] = 1e-3f * (i % 11 - 5);
                }
                for (int i = n - 1; i >= 0; i--) {
                    long start = System.nanoTime();
                    gradient = chain.blocks.get(i).backward(gradient, buffers[i], i > 0);
                    nanos[1][i] += timed ? System.nanoTime() - start : 0;
                }
            }
            for (double[] phase : nanos) {
                for (int i = 0; i < n; i++) {
                    phase[i] /= STEPS * 1e6;
                }
            }
            return nanos;
        } finally {
            Nd4jRuntime.useOneDnn(true);
        }
    }
}

package io.github.nmsparse.engine;

import io.github.nmsparse.bench.MnistData;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.network.Nd4jRuntime;
import io.github.nmsparse.engine.network.NetworkSnapshot;
import io.github.nmsparse.engine.optimizer.AdamW;
import org.bytedeco.javacpp.Pointer;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;

/**
 * Peak memory while training the README's network (784-256-128-10, SR-STE 2:4, batch 128, 30 epochs on
 * mnist-10k), and the bytes a trained model's weights take for prediction against the dense network's. Run:
 * {@code mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test -Dexec.mainClass=io.github.nmsparse.engine.MemoryReport}
 */
public final class MemoryReport {

    private MemoryReport() {
    }

    /**
     * @param args ignored
     * @throws Exception when the data cannot be read
     */
    public static void main(String[] args) throws Exception {
        Nd4jRuntime.configureThisThread();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        TrainingData data = MnistData.train();
        TrainingPlan plan = TrainingPlan.builder().method(new SrSte()).optimizer(new AdamW(5e-4)).learningRate(2e-3).epochs(30)
                .warmupEpochs(1).batchSize(128).seed(1).build();
        TrainingSession session = new TrainingSession(TestNetworks.mlp(784, NMPattern.parse("2:4"), 10, 256, 128),
                new SoftmaxCrossEntropy(), plan, data);
        long peakRss = 0;
        long peakOffHeap = 0;
        for (int s = 0; s < 30 * session.stepsPerEpoch(); s++) {
            session.step();
            if (s % 16 == 0) {
                peakRss = Math.max(peakRss, Pointer.physicalBytes());
                peakOffHeap = Math.max(peakOffHeap, Pointer.totalBytes());
            }
        }
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        NetworkSnapshot snapshot = session.network().snapshot();
        long dense = snapshot.denseByteSize();
        long modelBytes = snapshot.byteSize();
        System.out.printf(Locale.ROOT, "%n| memory while training the README network (30 epochs) | MiB |%n|---|---|%n");
        System.out.printf(Locale.ROOT, "| peak heap (sum of heap pools' peaks) | %.1f |%n", peakHeap / 1048576.0);
        System.out.printf(Locale.ROOT, "| peak off-heap counted by JavaCPP (ND4J's own allocator is not counted here; the resident set below is) | %.1f |%n", peakOffHeap / 1048576.0);
        System.out.printf(Locale.ROOT, "| peak heap + off-heap | %.1f |%n", (peakHeap + peakOffHeap) / 1048576.0);
        System.out.printf(Locale.ROOT, "| peak resident set of the whole process | %.1f |%n", peakRss / 1048576.0);
        System.out.printf(Locale.ROOT, "%n| weights held for prediction | bytes | / dense |%n|---|---|---|%n");
        System.out.printf(Locale.ROOT, "| dense network (float32 weights and biases) | %d | 1.00 |%n", dense);
        System.out.printf(Locale.ROOT, "| this model: compressed N:M layers (kept values + packed 2-bit positions), dense last layer, biases | %d | %.2f |%n",
                modelBytes, (double) modelBytes / dense);
        long columns = snapshot.blocks().stream().filter(block -> block.weights() != null && block.weights().sparse())
                .mapToLong(block -> block.weights().compressed().vectorProduct().addedBytes()).sum();
        System.out.printf(Locale.ROOT, "| plus, after a single-example prediction, the N:M kernel's own arrays (held softly) | %d | %.2f |%n",
                modelBytes + columns, (double) (modelBytes + columns) / dense);
    }
}

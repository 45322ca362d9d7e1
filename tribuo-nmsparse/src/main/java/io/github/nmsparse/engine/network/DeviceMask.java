package io.github.nmsparse.engine.network;

import io.github.nmsparse.core.NMLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.scalar.comparison.ScalarLessThan;
import org.nd4j.linalg.api.ops.impl.transforms.same.Abs;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * The N:M mask of a weight matrix as ND4J ops, with the core's rule: in each group keep the N of largest magnitude,
 * the lower index on equal magnitude. Each row is padded to whole groups with a magnitude of -1, which never wins;
 * for every group the pairwise comparison {@code beats[g,i,j] = |w_j| > |w_i| or (|w_j| == |w_i| and j < i)} is
 * summed over j into the rank of position i, and a position is kept when its rank is below N. That is G * M * M
 * comparisons, so the groups are taken in chunks. Every array and op is made once, for one matrix shape; a mask
 * costs no allocation of array memory.
 *
 * <p>Magnitudes are compared as floats, where the core compares {@code float bits & 0x7fffffff}: the two orders agree
 * on every value but NaN, and a NaN weight has stopped the run before a mask is taken.
 */
final class DeviceMask {

    /** Comparisons per chunk: bounds the scratch at a few tens of megabytes whatever the layer. */
    private static final long CHUNK_COMPARISONS = 1 << 21;

    private final INDArray magnitudes;
    private final INDArray magnitudeView;
    private final INDArray keptPadded;
    private final INDArray keptView;
    private final List<CustomOp> chunkOps = new ArrayList<>();
    private final ScalarLessThan keep;
    private final CustomOp toFloat;

    /** @param layout the matrix shape and pattern */
    DeviceMask(NMLayout layout) {
        int m = layout.pattern().m();
        int rows = layout.rows();
        int cols = layout.cols();
        int padded = layout.groupsPerRow() * m;
        long groups = layout.groupCount();
        this.magnitudes = Nd4j.create(DataType.FLOAT, rows, padded).assign(-1f);
        this.magnitudeView = padded == cols ? magnitudes : magnitudes.get(NDArrayIndex.all(), NDArrayIndex.interval(0, cols));
        INDArray keys = DeviceBlock.view(magnitudes, groups, m);
        INDArray ranks = Nd4j.create(DataType.FLOAT, groups, m);
        // j < i: the lower index wins a tie.
        float[] lowerWins = new float[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < i; j++) {
                lowerWins[i * m + j] = 1f;
            }
        }
        INDArray tieBreak = Nd4j.create(DataType.BOOL, 1, m, m);
        Nd4j.exec(DynamicCustomOp.builder("cast").addInputs(HostMemory.upload(lowerWins, 1, m, m)).addOutputs(tieBreak)
                .addIntegerArguments(DataType.BOOL.toInt()).build());
        long chunk = Math.max(1, Math.min(groups, CHUNK_COMPARISONS / ((long) m * m)));
        INDArray larger = Nd4j.create(DataType.BOOL, chunk, m, m);
        INDArray equal = Nd4j.create(DataType.BOOL, chunk, m, m);
        INDArray beats = Nd4j.create(DataType.FLOAT, chunk, m, m);
        for (long start = 0; start < groups; start += chunk) {
            long n = Math.min(chunk, groups - start);
            INDArray part = keys.get(NDArrayIndex.interval(start, start + n), NDArrayIndex.all());
            INDArray column = DeviceBlock.view(part, n, m, 1);
            INDArray row = DeviceBlock.view(part, n, 1, m);
            INDArray largerPart = n == chunk ? larger : larger.get(NDArrayIndex.interval(0, n), NDArrayIndex.all(), NDArrayIndex.all());
            INDArray equalPart = n == chunk ? equal : equal.get(NDArrayIndex.interval(0, n), NDArrayIndex.all(), NDArrayIndex.all());
            INDArray beatsPart = n == chunk ? beats : beats.get(NDArrayIndex.interval(0, n), NDArrayIndex.all(), NDArrayIndex.all());
            chunkOps.add(op("greater", List.of(row, column), largerPart));
            chunkOps.add(op("equals", List.of(row, column), equalPart));
            chunkOps.add(op("boolean_and", List.of(equalPart, tieBreak), equalPart));
            chunkOps.add(op("boolean_or", List.of(largerPart, equalPart), largerPart));
            chunkOps.add(DynamicCustomOp.builder("cast").addInputs(largerPart).addOutputs(beatsPart)
                    .addIntegerArguments(DataType.FLOAT.toInt()).build());
            chunkOps.add(DynamicCustomOp.builder("reduce_sum").addInputs(beatsPart)
                    .addOutputs(ranks.get(NDArrayIndex.interval(start, start + n), NDArrayIndex.all())).addIntegerArguments(2).build());
        }
        INDArray keptFlags = Nd4j.create(DataType.BOOL, groups, m);
        this.keep = new ScalarLessThan(ranks, keptFlags, layout.pattern().n());
        this.keptPadded = Nd4j.create(DataType.FLOAT, rows, padded);
        this.toFloat = DynamicCustomOp.builder("cast").addInputs(keptFlags).addOutputs(DeviceBlock.view(keptPadded, groups, m))
                .addIntegerArguments(DataType.FLOAT.toInt()).build();
        this.keptView = padded == cols ? keptPadded : keptPadded.get(NDArrayIndex.all(), NDArrayIndex.interval(0, cols));
    }

    private static CustomOp op(String name, List<INDArray> inputs, INDArray output) {
        return DynamicCustomOp.builder(name).addInputs(inputs.toArray(INDArray[]::new)).addOutputs(output).build();
    }

    /**
     * Writes the mask of {@code weights} into {@code mask}: 1 for kept positions, 0 for pruned ones.
     *
     * @param weights the {@code rows x cols} weights
     * @param mask    where the mask goes, the same shape
     */
    void compute(INDArray weights, INDArray mask) {
        Nd4j.exec(new Abs(weights, magnitudeView));
        for (CustomOp op : chunkOps) {
            Nd4j.exec(op);
        }
        Nd4j.exec(keep);
        Nd4j.exec(toFloat);
        mask.assign(keptView);
    }
}

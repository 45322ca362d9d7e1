package io.github.nmsparse.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 2:4 product with one matrix row per vector lane, for Java releases whose compiler leaves the Vector API's lane
 * permutes as method calls (Java 17; {@link NMKernels} picks it). For a block of rows and one group of 4 columns, the
 * group's 4 inputs are broadcast to every lane, and each of a row's 2 kept weights takes its input with 3 compares
 * and blends, which Java 17 does compile to vector instructions.
 *
 * <p>Why 2:4 alone: Java 17's compiler keeps vectors in registers only in straight-line code; a vector that crosses a
 * loop over the slots or positions of a group, or a branch, is boxed on the heap, and such a kernel was slower than the
 * row-gather one (BENCHMARKS.md). So the body of a group is written out for 2 kept of 4, the pattern of the paper and of
 * NVIDIA's sparse tensor cores.
 *
 * <p>Memory: a copy of the values in this slot order (4 bytes a slot) and each slot's position in its group, as a
 * float to compare against (4 bytes).
 */
final class LaneBlendKernel implements NMKernel {

    /** The one pattern this kernel serves. */
    static final NMPattern PATTERN = new NMPattern(2, 4);

    // A constant, so that C2 compiles the Vector API calls to vector instructions (LanePermuteKernel says why).
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = FLOATS.length();

    private final int rows;
    private final int cols;
    private final int blocks;
    private final int groups;
    /** Slot {@code k} of group {@code g} of block {@code b}, one row a lane, at {@code ((b * groups + g) * 2 + k) * LANES}. */
    private final float[] laneValues;
    private final float[] lanePositions;

    /**
     * @param layout  the matrix's shape and pattern, 2:4
     * @param values  its value slots, row by row
     * @param columns each slot's column
     * @throws IllegalStateException    when this platform's vectors hold other than 8 or 16 floats
     * @throws IllegalArgumentException when the pattern is not 2:4
     */
    LaneBlendKernel(NMLayout layout, float[] values, int[] columns) {
        if (LANES != 8 && LANES != 16) {
            throw new IllegalStateException("the lane kernel needs vectors of 8 or 16 floats, this platform's hold " + LANES);
        }
        if (!layout.pattern().equals(PATTERN)) {
            throw new IllegalArgumentException("the blend kernel serves 2:4 only, not " + layout.pattern());
        }
        this.rows = layout.rows();
        this.cols = layout.cols();
        this.blocks = (rows + LANES - 1) / LANES;
        this.groups = layout.groupsPerRow();
        laneValues = new float[blocks * groups * 2 * LANES];
        lanePositions = new float[laneValues.length];
        for (int row = 0; row < rows; row++) {
            for (int s = 0; s < groups * 2; s++) {
                int at = ((row / LANES) * groups * 2 + s) * LANES + row % LANES;
                laneValues[at] = values[row * groups * 2 + s];
                lanePositions[at] = columns[row * groups * 2 + s] % 4;
            }
        }
    }

    @Override
    public void multiply(float[] x, float[] y) {
        float[] inputs = x;
        if (x.length < groups * 4) { // a short last group is read whole: pad it with zeros (no weight picks them)
            inputs = new float[groups * 4];
            System.arraycopy(x, 0, inputs, 0, cols);
        }
        float[] outputs = y.length >= blocks * LANES ? y : new float[blocks * LANES];
        int at = 0;
        for (int block = 0; block < blocks; block++) {
            FloatVector sum0 = FloatVector.zero(FLOATS);
            FloatVector sum1 = sum0;
            for (int group = 0; group < groups; group++, at += 2 * LANES) {
                int first = 4 * group;
                FloatVector x0 = FloatVector.broadcast(FLOATS, inputs[first]);
                FloatVector x1 = FloatVector.broadcast(FLOATS, inputs[first + 1]);
                FloatVector x2 = FloatVector.broadcast(FLOATS, inputs[first + 2]);
                FloatVector x3 = FloatVector.broadcast(FLOATS, inputs[first + 3]);
                FloatVector positions0 = FloatVector.fromArray(FLOATS, lanePositions, at);
                FloatVector positions1 = FloatVector.fromArray(FLOATS, lanePositions, at + LANES);
                FloatVector picked0 = x0.blend(x1, positions0.compare(VectorOperators.EQ, 1f))
                        .blend(x2, positions0.compare(VectorOperators.EQ, 2f)).blend(x3, positions0.compare(VectorOperators.EQ, 3f));
                FloatVector picked1 = x0.blend(x1, positions1.compare(VectorOperators.EQ, 1f))
                        .blend(x2, positions1.compare(VectorOperators.EQ, 2f)).blend(x3, positions1.compare(VectorOperators.EQ, 3f));
                sum0 = FloatVector.fromArray(FLOATS, laneValues, at).fma(picked0, sum0);
                sum1 = FloatVector.fromArray(FLOATS, laneValues, at + LANES).fma(picked1, sum1);
            }
            sum0.add(sum1).intoArray(outputs, block * LANES);
        }
        if (outputs != y) {
            System.arraycopy(outputs, 0, y, 0, rows);
        }
    }

    @Override
    public long addedBytes() {
        return 8L * laneValues.length;
    }

    @Override
    public String describe() {
        return "lane blend (" + LANES + " floats)";
    }
}

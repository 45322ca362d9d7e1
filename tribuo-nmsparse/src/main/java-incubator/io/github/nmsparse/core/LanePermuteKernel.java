package io.github.nmsparse.core;

import java.util.Arrays;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The N:M product with one matrix row per vector lane, on the incubating Vector API; {@link NMKernels} loads it.
 * The columns are cut into chunks as wide as a vector. For a block of rows (one per lane) and one chunk, step {@code k}
 * multiplies each row's {@code k}-th kept weight in the chunk by the input it picks, all lanes at once: the chunk's
 * inputs are one vector load, and one lane permute (a single {@code vpermps} on x86) hands every lane its own input,
 * where the row-gather kernel loads one input at a time through a column index. A block takes as many steps in a chunk
 * as its fullest row keeps there (the others are padded with zeros): for 2:4 with vectors of 16 floats, every row keeps
 * exactly 8 of a chunk's 16 columns, so nothing is padded.
 *
 * <p>Memory: a copy of the values in this step order (4 bytes a slot) and each slot's pick within its chunk (1 byte).
 */
final class LanePermuteKernel implements NMKernel {

    // Constants, because C2 turns Vector API calls into vector instructions only for species it knows when it
    // compiles; a species held in an instance field left every call to the API's Java fallback, 100 times slower.
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = FLOATS.withLanes(int.class);
    private static final int LANES = FLOATS.length();
    /** Each lane's pick, a byte a lane; null for vectors of 4 floats, since byte vectors of 32 bits do not exist. */
    private static final VectorSpecies<Byte> PICKS = LANES >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * LANES)) : null;

    private final int rows;
    private final int cols;
    private final int chunks;
    private final int blocks;
    /** Where block {@code b}'s steps in chunk {@code c} start, at {@code b * chunks + c}, in steps of {@code LANES} slots. */
    private final int[] stepStarts;
    private final float[] laneValues;
    private final byte[] lanePicks;

    /**
     * @param layout  the matrix's shape and pattern
     * @param values  its value slots, row by row
     * @param columns each slot's column
     * @throws IllegalStateException when this platform's vectors hold other than 8 or 16 floats
     */
    LanePermuteKernel(NMLayout layout, float[] values, int[] columns) {
        if (LANES != 8 && LANES != 16) {
            throw new IllegalStateException("the lane kernel needs vectors of 8 or 16 floats, this platform's hold " + LANES);
        }
        this.rows = layout.rows();
        this.cols = layout.cols();
        this.chunks = (cols + LANES - 1) / LANES;
        this.blocks = (rows + LANES - 1) / LANES;
        int slotsPerRow = layout.groupsPerRow() * layout.pattern().n();
        int[] steps = new int[blocks * chunks];
        int[] inChunk = new int[chunks];
        for (int row = 0; row < rows; row++) {
            Arrays.fill(inChunk, 0);
            for (int s = row * slotsPerRow; s < (row + 1) * slotsPerRow; s++) {
                inChunk[columns[s] / LANES]++;
            }
            int block = row / LANES;
            for (int c = 0; c < chunks; c++) {
                steps[block * chunks + c] = Math.max(steps[block * chunks + c], inChunk[c]);
            }
        }
        stepStarts = new int[steps.length + 1];
        for (int i = 0; i < steps.length; i++) {
            stepStarts[i + 1] = stepStarts[i] + steps[i];
        }
        laneValues = new float[stepStarts[steps.length] * LANES];
        lanePicks = new byte[laneValues.length];
        for (int row = 0; row < rows; row++) {
            int block = row / LANES;
            int lane = row % LANES;
            Arrays.fill(inChunk, 0);
            for (int s = row * slotsPerRow; s < (row + 1) * slotsPerRow; s++) {
                int c = columns[s] / LANES;
                int at = (stepStarts[block * chunks + c] + inChunk[c]++) * LANES + lane;
                laneValues[at] = values[s];
                lanePicks[at] = (byte) (columns[s] % LANES);
            }
        }
    }

    /** @return floats in this platform's preferred vector */
    static int preferredLanes() {
        return LANES;
    }

    @Override
    public void multiply(float[] x, float[] y) {
        float[] inputs = x;
        if (x.length < chunks * LANES) { // the last chunk is loaded whole: pad it with zeros
            inputs = new float[chunks * LANES];
            System.arraycopy(x, 0, inputs, 0, cols);
        }
        float[] outputs = y.length >= blocks * LANES ? y : new float[blocks * LANES];
        for (int block = 0; block < blocks; block++) {
            // Four sums, so that each multiply-add need not wait for the one before it.
            FloatVector sum0 = FloatVector.zero(FLOATS);
            FloatVector sum1 = sum0;
            FloatVector sum2 = sum0;
            FloatVector sum3 = sum0;
            for (int c = 0; c < chunks; c++) {
                int step = stepStarts[block * chunks + c];
                int end = stepStarts[block * chunks + c + 1];
                if (step == end) {
                    continue;
                }
                FloatVector chunk = FloatVector.fromArray(FLOATS, inputs, c * LANES);
                for (; step + 3 < end; step += 4) {
                    sum0 = weights(step).fma(picked(chunk, step), sum0);
                    sum1 = weights(step + 1).fma(picked(chunk, step + 1), sum1);
                    sum2 = weights(step + 2).fma(picked(chunk, step + 2), sum2);
                    sum3 = weights(step + 3).fma(picked(chunk, step + 3), sum3);
                }
                for (; step < end; step++) {
                    sum0 = weights(step).fma(picked(chunk, step), sum0);
                }
            }
            sum0.add(sum1).add(sum2.add(sum3)).intoArray(outputs, block * LANES);
        }
        if (outputs != y) {
            System.arraycopy(outputs, 0, y, 0, rows);
        }
    }

    /** @return one step's weights, a row's in each lane */
    private FloatVector weights(int step) {
        return FloatVector.fromArray(FLOATS, laneValues, step * LANES);
    }

    /** @return the inputs of the chunk that one step's weights multiply, each lane's own pick */
    private FloatVector picked(FloatVector chunk, int step) {
        VectorShuffle<Float> picks = ByteVector.fromArray(PICKS, lanePicks, step * LANES)
                .convertShape(VectorOperators.B2I, INTS, 0).toShuffle().cast(FLOATS);
        return chunk.rearrange(picks);
    }

    @Override
    public long addedBytes() {
        return 5L * laneValues.length + 4L * stepStarts.length;
    }

    @Override
    public String describe() {
        return "lane permute (" + LANES + " floats)";
    }
}

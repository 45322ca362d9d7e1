package io.github.nmsparse.core;

import java.nio.FloatBuffer;

/**
 * An N:M-sparse matrix in compressed form: for every group, {@code n} value slots in index order, and each slot's
 * in-group position packed in {@code ceil(log2 m)} bits (SPEC section 4). A group with fewer than {@code n}
 * non-zeros fills its free slots with zeros at unused positions; the slots past {@code min(n, width)} of a short
 * trailing group are padding. Decompression restores the matrix exactly (a zero's sign aside).
 */
public final class CompressedNM {

    private final NMLayout layout;
    private final float[] values;
    private final long[] packedIndices;

    private CompressedNM(NMLayout layout, float[] values, long[] packedIndices) {
        this.layout = layout;
        this.values = values;
        this.packedIndices = packedIndices;
    }

    /**
     * Compresses an N:M-valid matrix.
     *
     * @param weights the row-major weights
     * @param layout  the shape and pattern
     * @return the compressed form
     * @throws IllegalArgumentException when a group holds more non-zeros than the pattern allows
     */
    public static CompressedNM compress(FloatBuffer weights, NMLayout layout) {
        layout.requireFits(weights);
        int n = layout.pattern().n();
        int m = layout.pattern().m();
        float[] values = new float[slotCount(layout)];
        long[] packed = new long[packedLength(layout)];
        int bits = layout.pattern().indexBits();
        int slot = 0;
        for (int row = 0; row < layout.rows(); row++) {
            for (int gr = 0; gr < layout.groupsPerRow(); gr++) {
                int start = row * layout.cols() + gr * m;
                int width = layout.width(gr);
                int keep = layout.keep(gr);
                int chosen = 0;
                for (int j = 0; j < width; j++) {
                    if (weights.get(start + j) != 0f) {
                        chosen |= 1 << j;
                    }
                }
                if (Integer.bitCount(chosen) > keep) {
                    throw new IllegalArgumentException("not " + layout.pattern() + ": row " + row + ", group " + gr
                            + " has " + Integer.bitCount(chosen) + " non-zeros, at most " + keep + " allowed");
                }
                for (int j = 0; j < width && Integer.bitCount(chosen) < keep; j++) {
                    chosen |= 1 << j;
                }
                int s = slot;
                for (int j = 0; j < width; j++) {
                    if ((chosen & (1 << j)) != 0) {
                        values[s] = weights.get(start + j);
                        writeIndex(packed, s, bits, j);
                        s++;
                    }
                }
                slot += n;
            }
        }
        return new CompressedNM(layout, values, packed);
    }

    /**
     * Rebuilds a compressed matrix from stored parts, checking that they are consistent.
     *
     * @param layout        the shape and pattern
     * @param values        the value slots, {@code rows * ceil(cols/m) * n}
     * @param packedIndices the packed in-group positions
     * @return the compressed matrix
     * @throws IllegalArgumentException naming the first inconsistency: a wrong count, or a position outside its
     *                                  group or out of order
     */
    public static CompressedNM fromParts(NMLayout layout, float[] values, long[] packedIndices) {
        if (values.length != slotCount(layout)) {
            throw new IllegalArgumentException("a " + layout.rows() + "x" + layout.cols() + " layer under " + layout.pattern()
                    + " needs " + slotCount(layout) + " values, got " + values.length);
        }
        if (packedIndices.length != packedLength(layout)) {
            throw new IllegalArgumentException("a " + layout.rows() + "x" + layout.cols() + " layer under " + layout.pattern()
                    + " needs " + packedLength(layout) + " index words, got " + packedIndices.length);
        }
        CompressedNM compressed = new CompressedNM(layout, values.clone(), packedIndices.clone());
        compressed.checkIndices();
        return compressed;
    }

    private void checkIndices() {
        int n = layout.pattern().n();
        int g = 0;
        for (int row = 0; row < layout.rows(); row++) {
            for (int gr = 0; gr < layout.groupsPerRow(); gr++, g++) {
                int previous = -1;
                for (int s = 0; s < layout.keep(gr); s++) {
                    int index = indexAt(g * n + s);
                    if (index >= layout.width(gr) || index <= previous) {
                        throw new IllegalArgumentException("row " + row + ", group " + gr + ": in-group index " + index
                                + " is outside the group of width " + layout.width(gr) + " or out of order");
                    }
                    previous = index;
                }
                for (int s = layout.keep(gr); s < n; s++) {
                    if (values[g * n + s] != 0f || indexAt(g * n + s) != 0) {
                        throw new IllegalArgumentException("row " + row + ", group " + gr + ": padding slot " + s
                                + " of a group of width " + layout.width(gr) + " is not empty");
                    }
                }
            }
        }
    }

    /**
     * Writes the dense matrix, zeros included.
     *
     * @param target where to write, {@code layout.size()} floats from index 0
     */
    public void decompress(FloatBuffer target) {
        layout.requireFits(target);
        target.put(0, toDense());
    }

    /** @return the dense matrix as a new row-major array */
    public float[] toDense() {
        float[] dense = new float[Math.toIntExact(layout.size())];
        int n = layout.pattern().n();
        int m = layout.pattern().m();
        int g = 0;
        for (int row = 0; row < layout.rows(); row++) {
            for (int gr = 0; gr < layout.groupsPerRow(); gr++, g++) {
                int start = row * layout.cols() + gr * m;
                for (int s = 0; s < layout.keep(gr); s++) {
                    dense[start + indexAt(g * n + s)] = values[g * n + s];
                }
            }
        }
        return dense;
    }

    /**
     * @return the form that multiplies this matrix by vectors fastest on this JVM, built from these value slots with
     *         each slot's column unpacked ({@link NMVectorProduct} says what each kernel holds)
     */
    public NMVectorProduct vectorProduct() {
        return new NMVectorProduct(layout, NMKernels.choose(layout, values, slotColumns()));
    }

    /** @return each value slot's column in its row; padding slots name their group's first column */
    int[] slotColumns() {
        int n = layout.pattern().n();
        int m = layout.pattern().m();
        int[] columns = new int[values.length];
        for (int slot = 0; slot < values.length; slot++) {
            int groupInRow = (slot / n) % layout.groupsPerRow();
            columns[slot] = groupInRow * m + indexAt(slot);
        }
        return columns;
    }

    /** @return the in-group position stored for a value slot, {@code group * n + k} */
    private int indexAt(int slot) {
        int bits = layout.pattern().indexBits();
        long bit = (long) slot * bits;
        int word = (int) (bit >>> 6);
        int offset = (int) (bit & 63);
        long value = packedIndices[word] >>> offset;
        if (offset + bits > 64) {
            value |= packedIndices[word + 1] << (64 - offset);
        }
        return (int) (value & ((1L << bits) - 1));
    }

    private static void writeIndex(long[] packed, int slot, int bits, int index) {
        long bit = (long) slot * bits;
        int word = (int) (bit >>> 6);
        int offset = (int) (bit & 63);
        packed[word] |= (long) index << offset;
        if (offset + bits > 64) {
            packed[word + 1] |= (long) index >>> (64 - offset);
        }
    }

    private static int slotCount(NMLayout layout) {
        return Math.toIntExact((long) layout.groupCount() * layout.pattern().n());
    }

    private static int packedLength(NMLayout layout) {
        return Math.toIntExact(((long) slotCount(layout) * layout.pattern().indexBits() + 63) / 64);
    }

    /** @return the layout */
    public NMLayout layout() {
        return layout;
    }

    /** @return a copy of the value slots */
    public float[] values() {
        return values.clone();
    }

    /** @return a copy of the packed in-group positions */
    public long[] packedIndices() {
        return packedIndices.clone();
    }

    /** @return bytes of the compressed form: 4 per value slot plus the packed positions, rounded up to bytes */
    public long byteSize() {
        return 4L * values.length + ((long) values.length * layout.pattern().indexBits() + 7) / 8;
    }

    /** @return bytes of the same matrix stored dense in float32 */
    public long denseByteSize() {
        return 4L * layout.size();
    }
}

package io.github.nmsparse.core;

/**
 * Multiplies an N:M-sparse matrix by vectors, {@code y = W x}, doing only the kept multiply-adds (half the dense
 * product's for 2:4). Three kernels exist. The default, in plain Java, gathers each row's inputs by their columns and
 * shares the compressed matrix's value slots (2 bytes a slot beside them for up to 65,536 columns, 4 beyond). Where
 * the JVM has the incubating Vector API ({@code --add-modules jdk.incubator.vector}) and vectors of 8 or 16 floats,
 * kernels with one matrix row per vector lane run instead: on Java 25 and later one that picks each lane's input with a
 * lane permute (5 bytes a slot), before it, for 2:4 only, one that picks it with compares and blends (8 bytes a slot).
 * They differ only in the order of their additions. Immutable and safe to share between threads.
 * {@link CompressedNM#vectorProduct()} builds it.
 */
public final class NMVectorProduct {

    private final NMLayout layout;
    private final NMKernel kernel;

    NMVectorProduct(NMLayout layout, NMKernel kernel) {
        this.layout = layout;
        this.kernel = kernel;
    }

    /**
     * Writes {@code y[r] = sum_c W[r][c] x[c]} for every row.
     *
     * @param x the vector: its first {@code cols} values; longer arrays are fine
     * @param y where to write the {@code rows} results, from index 0
     * @throws IllegalArgumentException when either array is too short
     */
    public void multiply(float[] x, float[] y) {
        if (x.length < layout.cols() || y.length < layout.rows()) {
            throw new IllegalArgumentException("a " + layout.rows() + "x" + layout.cols() + " matrix needs " + layout.cols()
                    + " inputs and " + layout.rows() + " outputs, got arrays of " + x.length + " and " + y.length);
        }
        kernel.multiply(x, y);
    }

    /** @return the layout */
    public NMLayout layout() {
        return layout;
    }

    /** @return bytes this adds to its compressed matrix (unpacked columns, or a lane kernel's own copy) */
    public long addedBytes() {
        return kernel.addedBytes();
    }

    /** @return which kernel runs the products: "row gather", "lane blend (16 floats)", "lane permute (8 floats)" and the like */
    public String kernel() {
        return kernel.describe();
    }
}

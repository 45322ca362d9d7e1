package io.github.nmsparse.core;

/**
 * One way of computing {@code y = W x} for a compressed N:M matrix; {@link NMVectorProduct} checks the arrays and
 * {@link NMKernels} picks the implementation.
 */
interface NMKernel {

    /**
     * @param x at least {@code cols} inputs
     * @param y room for at least {@code rows} outputs, written from index 0
     */
    void multiply(float[] x, float[] y);

    /** @return bytes this kernel holds beyond the compressed matrix it was built from */
    long addedBytes();

    /** @return a short description for logs and reports, such as "row gather" */
    String describe();
}

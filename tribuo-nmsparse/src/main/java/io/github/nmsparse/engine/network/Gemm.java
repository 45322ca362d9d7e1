package io.github.nmsparse.engine.network;

import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every GEMM of the engine: {@code c = op(a) x op(b)}. On the CPU backend it calls OpenBLAS's {@code cblas_sgemm}
 * directly, through the JavaCPP bindings ND4J itself loads OpenBLAS with: ND4J's matmul op reaches the same function
 * bit for bit, but costs 7-15 us more per call (a third of a small GEMM's time), and on ND4J's oneDNN build would run on
 * oneDNN instead, on the engine's one OpenMP thread (1.5-2x slower here) and rounding otherwise. On other backends,
 * and for arrays cblas cannot read in place, it is ND4J's {@link Nd4j#gemm}.
 */
final class Gemm {

    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANSPOSE = 111;
    private static final int TRANSPOSE = 112;

    private Gemm() {
    }

    /**
     * @param a          the left matrix
     * @param b          the right matrix
     * @param c          the product, overwritten
     * @param transposeA whether to multiply by a's transpose
     * @param transposeB whether to multiply by b's transpose
     */
    static void multiply(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB) {
        if (!Nd4jRuntime.cpuBackend() || !rowMajorFloats(a) || !rowMajorFloats(b) || !rowMajorFloats(c)) {
            Nd4j.gemm(a, b, c, transposeA, transposeB, 1.0, 0.0);
            return;
        }
        long k = transposeA ? a.rows() : a.columns();
        if ((transposeB ? b.columns() : b.rows()) != k || (transposeA ? a.columns() : a.rows()) != c.rows()
                || (transposeB ? b.rows() : b.columns()) != c.columns()) {
            throw new IllegalArgumentException("cannot multiply " + a.rows() + "x" + a.columns() + (transposeA ? "^T" : "") + " by "
                    + b.rows() + "x" + b.columns() + (transposeB ? "^T" : "") + " into " + c.rows() + "x" + c.columns());
        }
        openblas_nolapack.cblas_sgemm(ROW_MAJOR, transposeA ? TRANSPOSE : NO_TRANSPOSE, transposeB ? TRANSPOSE : NO_TRANSPOSE,
                (int) c.rows(), (int) c.columns(), (int) k, 1f, HostMemory.nativeFloats(a), (int) a.stride(0),
                HostMemory.nativeFloats(b), (int) b.stride(0), 0f, HostMemory.nativeFloats(c), (int) c.stride(0));
    }

    /** @return whether cblas can read the matrix where it lies: float32, rows of contiguous values */
    private static boolean rowMajorFloats(INDArray x) {
        return x.dataType() == DataType.FLOAT && x.rank() == 2 && x.stride(1) == 1 && x.stride(0) >= Math.max(1, x.columns());
    }
}

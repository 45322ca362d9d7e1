package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every GEMM of the engine: {@code c = op(a) x op(b)}. On ND4J's oneDNN build the matmul op would run on oneDNN, on
 * the engine's one OpenMP thread (1.5-2x slower than OpenBLAS's two here) and rounding otherwise, so there it runs
 * with that op's helpers turned off in its own context: on OpenBLAS, bit for bit as on the generic build, whatever
 * other threads run meanwhile. Elsewhere it is plain {@link Nd4j#gemm}.
 */
final class Gemm {

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
        if (!Nd4jRuntime.buildHasOneDnn()) {
            Nd4j.gemm(a, b, c, transposeA, transposeB, 1.0, 0.0);
            return;
        }
        Mmul op = new Mmul(a, b, c, MMulTranspose.builder().transposeA(transposeA).transposeB(transposeB).build());
        try (OpContext context = Nd4j.getExecutioner().buildContext()) {
            context.allowHelpers(false);
            context.setInputArrays(a, b);
            context.setOutputArrays(c);
            context.setIArguments(transposeA ? 1 : 0, transposeB ? 1 : 0, 0);
            context.setTArguments(1.0, 0.0);
            Nd4j.getExecutioner().exec(op, context);
        } catch (Exception e) {
            throw new IllegalStateException("a " + a.rows() + "x" + a.columns() + " by " + b.rows() + "x" + b.columns() + " GEMM failed", e);
        }
    }
}

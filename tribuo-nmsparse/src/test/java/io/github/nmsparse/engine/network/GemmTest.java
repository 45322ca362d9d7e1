package io.github.nmsparse.engine.network;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GemmTest {

    private static INDArray random(long rows, long cols, char order) {
        return Nd4j.rand(DataType.FLOAT, rows, cols).dup(order);
    }

    private static void assertSameProduct(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        INDArray expected = (transposeA ? a.transpose() : a).mmul(transposeB ? b.transpose() : b);
        INDArray actual = Nd4j.create(DataType.FLOAT, expected.rows(), expected.columns());
        Gemm.multiply(a, b, actual, transposeA, transposeB);
        assertArrayEquals(expected.dup('c').data().asFloat(), actual.dup('c').data().asFloat(), 1e-4f * a.length());
    }

    @Test
    void multipliesEveryTransposeCombination() {
        Nd4jRuntime.configureThisThread();
        Nd4j.getRandom().setSeed(3);
        assertSameProduct(random(7, 5, 'c'), random(5, 9, 'c'), false, false);
        assertSameProduct(random(5, 7, 'c'), random(5, 9, 'c'), true, false);
        assertSameProduct(random(7, 5, 'c'), random(9, 5, 'c'), false, true);
        assertSameProduct(random(5, 7, 'c'), random(9, 5, 'c'), true, true);
    }

    @Test
    void readsViewsWithAnOffsetAndLongerRowsInPlaceAndColumnMajorArraysThroughNd4j() {
        Nd4jRuntime.configureThisThread();
        Nd4j.getRandom().setSeed(4);
        // Rows 2-8 and columns 3-7 of a 10x12 matrix: offset 27, rows 12 apart.
        INDArray view = random(10, 12, 'c').get(NDArrayIndex.interval(2, 9), NDArrayIndex.interval(3, 8));
        assertTrue(view.offset() > 0 && view.stride(0) == 12, "a strided view");
        assertSameProduct(view, random(5, 6, 'c'), false, false);
        assertSameProduct(random(7, 5, 'f'), random(5, 6, 'f'), false, false);
    }

    @Test
    void namesShapesThatDoNotMultiply() {
        Nd4jRuntime.configureThisThread();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiply(random(4, 3, 'c'), random(4, 2, 'c'), Nd4j.create(DataType.FLOAT, 4, 2), false, false));
        assertTrue(e.getMessage().contains("cannot multiply 4x3 by 4x2 into 4x2"), e.getMessage());
    }
}

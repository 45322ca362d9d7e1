package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/** The 1024^3 matmul the benchmarks print beside their peers', timed on the engine's own GEMM path ({@link Gemm}). */
public final class GemmTiming {

    private GemmTiming() {
    }

    /** @return the median of 10 timed 1024x1024x1024 float GEMMs after 3, in ms */
    public static double matmul1024Millis() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray b = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray c = Nd4j.create(DataType.FLOAT, 1024, 1024);
        double[] times = new double[10];
        for (int i = -3; i < times.length; i++) {
            long start = System.nanoTime();
            Gemm.multiply(a, b, c, false, false);
            if (i >= 0) {
                times[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(times);
        return (times[4] + times[5]) / 2;
    }
}

package io.github.nmsparse.engine.network;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMMask;
import io.github.nmsparse.core.NMPattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ops executor's mask is the core's mask, bit for bit, on the inputs where a mask can go wrong: ties, +0 and -0,
 * partial groups, one group per row, and every M from 2 to 32. Run under split memory.
 */
class DeviceMaskTest {

    @BeforeEach
    void splitMemory() {
        HostMemory.simulateSplitMemory(true);
    }

    @AfterEach
    void sharedMemory() {
        HostMemory.simulateSplitMemory(false);
    }

    /** @return weights drawn from few distinct magnitudes and both signs, so that most groups hold ties */
    private static float[] hardWeights(int size, SplittableRandom rng) {
        float[] levels = {0f, -0f, 0.5f, -0.5f, 1f, -1f, 1e-30f, 2f};
        float[] weights = new float[size];
        for (int i = 0; i < size; i++) {
            weights[i] = rng.nextInt(3) == 0 ? (float) rng.nextGaussian() : levels[rng.nextInt(levels.length)];
        }
        return weights;
    }

    private static void assertSameMask(NMLayout layout, float[] weights) {
        NMMask expected = NMMask.of(FloatBuffer.wrap(weights), layout);
        INDArray mask = Nd4j.create(DataType.FLOAT, layout.rows(), layout.cols());
        new DeviceMask(layout).compute(HostMemory.upload(weights, layout.rows(), layout.cols()), mask);
        float[] kept = HostMemory.read(mask);
        for (int r = 0; r < layout.rows(); r++) {
            for (int c = 0; c < layout.cols(); c++) {
                String where = layout + ": position (" + r + ", " + c + ")";
                assertEquals(expected.isKept(r, c) ? 1f : 0f, kept[r * layout.cols() + c], where);
            }
        }
    }

    @Test
    void everyMFromTwoToThirtyTwoWithTiesSignedZerosAndPartialGroups() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int m = 2; m <= 32; m++) {
            for (int n : new int[] {1, m / 2, m - 1}) {
                if (n < 1) {
                    continue;
                }
                // cols: a partial last group, exactly one group, fewer columns than M, and several whole groups.
                for (int cols : new int[] {m + m / 2 + 1, m, Math.max(1, m - 1), 3 * m}) {
                    NMLayout layout = new NMLayout(5, cols, new NMPattern(n, m));
                    assertSameMask(layout, hardWeights(5 * cols, rng));
                }
            }
        }
    }

    @Test
    void allEqualMagnitudesKeepTheLowestIndices() {
        NMLayout layout = new NMLayout(2, 8, new NMPattern(2, 4));
        assertSameMask(layout, new float[] {1, -1, 1, -1, 0f, -0f, 0f, -0f, -3, 3, -3, 3, 2, 2, -2, 2});
    }

    @Test
    void aLayerLargerThanOneChunkGivesTheSameMask() {
        SplittableRandom rng = new SplittableRandom(11);
        NMLayout layout = new NMLayout(300, 1000, new NMPattern(4, 16));
        assertSameMask(layout, hardWeights(300 * 1000, rng));
    }
}

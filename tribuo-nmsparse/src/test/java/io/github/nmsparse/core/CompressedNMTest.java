package io.github.nmsparse.core;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompressedNMTest {

    private static final SplittableRandom RNG = new SplittableRandom(42);

    private static float[] sparseWeights(NMLayout layout) {
        float[] w = new float[(int) layout.size()];
        for (int i = 0; i < w.length; i++) {
            // Some exact zeros among the kept weights, so groups with fewer than n non-zeros occur.
            w[i] = RNG.nextInt(5) == 0 ? 0f : (float) RNG.nextGaussian();
        }
        NMMask.of(FloatBuffer.wrap(w), layout).apply(FloatBuffer.wrap(w), FloatBuffer.wrap(w));
        return w;
    }

    @Test
    void compressThenDecompressIsExactForEveryPattern() {
        for (int m = 2; m <= 32; m++) {
            for (int n = 1; n < m; n++) {
                NMLayout layout = new NMLayout(1 + RNG.nextInt(4), 1 + RNG.nextInt(3 * m), new NMPattern(n, m));
                float[] w = sparseWeights(layout);
                CompressedNM compressed = CompressedNM.compress(FloatBuffer.wrap(w), layout);
                assertArrayEquals(w, compressed.toDense(), layout.toString());
                CompressedNM rebuilt = CompressedNM.fromParts(layout, compressed.values(), compressed.packedIndices());
                assertArrayEquals(w, rebuilt.toDense(), layout.toString());
            }
        }
    }

    @Test
    void theVectorProductGivesTheDenseProductForEveryPatternAndWidth() {
        assertGivesTheDenseProduct(new NMLayout(3, 70_001, new NMPattern(2, 4))); // columns past a char's range
        for (int m = 2; m <= 32; m++) {
            for (int n = 1; n < m; n++) {
                // Widths up to 3m + 40 leave short trailing groups and rows that start inside a 64-bit word.
                assertGivesTheDenseProduct(new NMLayout(1 + RNG.nextInt(5), 1 + RNG.nextInt(3 * m + 40), new NMPattern(n, m)));
            }
        }
    }

    /** Every kernel, the one this JVM chooses and each one it could choose, gives the dense product. */
    private static void assertGivesTheDenseProduct(NMLayout layout) {
        float[] w = sparseWeights(layout);
        float[] x = new float[layout.cols()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) RNG.nextGaussian();
        }
        CompressedNM compressed = CompressedNM.compress(FloatBuffer.wrap(w), layout);
        List<NMVectorProduct> products = new ArrayList<>(List.of(compressed.vectorProduct(),
                new NMVectorProduct(layout, new RowGatherKernel(layout, compressed.values(), compressed.slotColumns()))));
        NMKernels.permute(layout, compressed.values(), compressed.slotColumns())
                .ifPresent(kernel -> products.add(new NMVectorProduct(layout, kernel)));
        if (layout.pattern().equals(NMKernels.BLEND_PATTERN)) {
            NMKernels.blend(layout, compressed.values(), compressed.slotColumns())
                    .ifPresent(kernel -> products.add(new NMVectorProduct(layout, kernel)));
        }
        for (NMVectorProduct product : products) {
            float[] y = new float[layout.rows()];
            product.multiply(x, y);
            for (int r = 0; r < layout.rows(); r++) {
                double expected = 0;
                double scale = 0;
                for (int c = 0; c < layout.cols(); c++) {
                    expected += (double) w[r * layout.cols() + c] * x[c];
                    scale += Math.abs((double) w[r * layout.cols() + c] * x[c]);
                }
                assertEquals(expected, y[r], 1e-5 * (1 + scale), layout + " row " + r + ", " + product.kernel());
            }
        }
    }

    @Test
    void theVectorProductNamesArraysThatAreTooShort() {
        NMLayout layout = new NMLayout(3, 8, new NMPattern(2, 4));
        CompressedNM compressed = CompressedNM.compress(FloatBuffer.wrap(sparseWeights(layout)), layout);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> compressed.vectorProduct().multiply(new float[7], new float[3]));
        assertTrue(e.getMessage().contains("needs 8 inputs and 3 outputs, got arrays of 7 and 3"), e.getMessage());
    }

    @Test
    void twoFourIsAboutHalfTheDenseBytes() {
        NMLayout layout = new NMLayout(256, 784, new NMPattern(2, 4));
        CompressedNM compressed = CompressedNM.compress(FloatBuffer.wrap(sparseWeights(layout)), layout);
        double ratio = (double) compressed.byteSize() / compressed.denseByteSize();
        // 2 floats + 2 x 2 bits per group of 4 floats: (8 + 0.5) / 16.
        assertEquals(8.5 / 16, ratio, 1e-9);
        assertTrue(ratio < 0.56);
    }

    @Test
    void refusesMatricesThatAreNotNM() {
        NMLayout layout = new NMLayout(1, 4, new NMPattern(1, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CompressedNM.compress(FloatBuffer.wrap(new float[] {1f, 2f, 0f, 0f}), layout));
        assertTrue(e.getMessage().contains("2 non-zeros, at most 1"), e.getMessage());
    }

    @Test
    void fromPartsRejectsInconsistentParts() {
        NMLayout layout = new NMLayout(1, 8, new NMPattern(2, 4));
        CompressedNM good = CompressedNM.compress(FloatBuffer.wrap(new float[] {1, 0, 2, 0, 0, 3, 0, 4}), layout);
        assertThrows(IllegalArgumentException.class, () -> CompressedNM.fromParts(layout, new float[3], good.packedIndices()));
        assertThrows(IllegalArgumentException.class, () -> CompressedNM.fromParts(layout, good.values(), new long[2]));
        // Every index 0: the second slot of each group repeats the first.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CompressedNM.fromParts(layout, good.values(), new long[] {0L}));
        assertTrue(e.getMessage().contains("out of order"), e.getMessage());
        // Position 3 in a trailing group of width 2.
        NMLayout partial = new NMLayout(1, 6, new NMPattern(2, 4));
        long[] packed = {0b11_00_01_00L};
        assertThrows(IllegalArgumentException.class, () -> CompressedNM.fromParts(partial, new float[4], packed));
    }
}

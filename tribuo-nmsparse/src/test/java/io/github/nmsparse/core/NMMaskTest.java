package io.github.nmsparse.core;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invariant grids over random shapes and every pattern up to M = 32, partial groups included. */
class NMMaskTest {

    private static final SplittableRandom RNG = new SplittableRandom(20210210);

    /** Random weights with many exact ties, so the tie rule is exercised. */
    private static float[] weights(int size) {
        float[] w = new float[size];
        for (int i = 0; i < size; i++) {
            w[i] = RNG.nextInt(4) == 0 ? (RNG.nextBoolean() ? 0.5f : -0.5f) : (float) RNG.nextGaussian();
        }
        return w;
    }

    /** The reference rule, by sorting: keep the n largest |w|, lower index first on ties. */
    private static boolean[] referenceKept(float[] w, NMLayout layout) {
        boolean[] kept = new boolean[w.length];
        int m = layout.pattern().m();
        for (int row = 0; row < layout.rows(); row++) {
            for (int gr = 0; gr < layout.groupsPerRow(); gr++) {
                int start = row * layout.cols() + gr * m;
                List<Integer> positions = new ArrayList<>();
                for (int j = 0; j < layout.width(gr); j++) {
                    positions.add(start + j);
                }
                positions.sort(Comparator.comparing((Integer i) -> -Math.abs(w[i])).thenComparing(i -> i));
                for (int k = 0; k < layout.keep(gr); k++) {
                    kept[positions.get(k)] = true;
                }
            }
        }
        return kept;
    }

    @Test
    void maskMatchesTheSortingReferenceForEveryPatternAndShape() {
        for (int m = 2; m <= 32; m++) {
            for (int n = 1; n < m; n++) {
                int rows = 1 + RNG.nextInt(5);
                int cols = 1 + RNG.nextInt(3 * m);
                NMLayout layout = new NMLayout(rows, cols, new NMPattern(n, m));
                float[] w = weights(rows * cols);
                NMMask mask = NMMask.of(FloatBuffer.wrap(w), layout);
                boolean[] expected = referenceKept(w, layout);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        assertEquals(expected[r * cols + c], mask.isKept(r, c), layout + " at " + r + "," + c);
                    }
                }
                assertTrue(mask.isValid());
                assertEquals(layout.maxKept(), mask.keptCount(), "every group keeps exactly min(n, width)");
            }
        }
    }

    @Test
    void largeLayersSplitOverThreadsGiveTheSameMaskAndMaskedWeights() {
        for (String text : new String[] {"2:4", "1:8", "3:8", "5:16"}) {
            NMLayout layout = new NMLayout(300, 301, NMPattern.parse(text));
            float[] w = weights((int) layout.size());
            float[] masked = new float[w.length];
            NMMask mask = NMMask.of(FloatBuffer.wrap(new float[w.length]), layout);
            long flips = mask.update(FloatBuffer.wrap(w), FloatBuffer.wrap(masked));
            boolean[] expected = referenceKept(w, layout);
            long expectedFlips = 0;
            NMMask before = NMMask.of(FloatBuffer.wrap(new float[w.length]), layout);
            for (int i = 0; i < w.length; i++) {
                int row = i / layout.cols();
                int col = i % layout.cols();
                assertEquals(expected[i], mask.isKept(row, col), text + " at " + i);
                assertEquals(expected[i] ? w[i] : 0f, masked[i], text + " at " + i);
                expectedFlips += expected[i] != before.isKept(row, col) ? 1 : 0;
            }
            assertEquals(expectedFlips, flips, text);
        }
    }

    @Test
    void maskedWeightsAreNMValidAndEqualWeightsTimesMask() {
        for (int trial = 0; trial < 200; trial++) {
            int m = 2 + RNG.nextInt(31);
            int n = 1 + RNG.nextInt(m - 1);
            NMLayout layout = new NMLayout(1 + RNG.nextInt(8), 1 + RNG.nextInt(70), new NMPattern(n, m));
            float[] w = weights((int) layout.size());
            float[] masked = new float[w.length];
            NMMask mask = NMMask.of(FloatBuffer.wrap(w), layout);
            mask.apply(FloatBuffer.wrap(w), FloatBuffer.wrap(masked));
            assertTrue(NMValidity.check(FloatBuffer.wrap(masked), layout).isValid(), layout.toString());
            for (int i = 0; i < w.length; i++) {
                int row = i / layout.cols();
                int col = i % layout.cols();
                assertEquals(mask.isKept(row, col) ? w[i] : 0f, masked[i]);
            }
        }
    }

    @Test
    void tiesKeepTheLowerIndex() {
        NMLayout layout = new NMLayout(1, 8, new NMPattern(2, 4));
        float[] w = {1f, -1f, 1f, 1f, 0f, 0f, 0f, 0f};
        NMMask mask = NMMask.of(FloatBuffer.wrap(w), layout);
        assertEquals(0b0011, mask.groupBits(0));
        assertEquals(0b0011, mask.groupBits(1));
        NMLayout dropSide = new NMLayout(1, 4, new NMPattern(3, 4));
        assertEquals(0b0111, NMMask.of(FloatBuffer.wrap(new float[] {2f, 2f, 2f, 2f}), dropSide).groupBits(0));
    }

    @Test
    void updateCountsFlipsAndWritesMaskedWeights() {
        NMLayout layout = new NMLayout(1, 4, new NMPattern(2, 4));
        float[] w = {4f, 3f, 2f, 1f};
        NMMask mask = NMMask.of(FloatBuffer.wrap(w), layout);
        float[] changed = {1f, 3f, 2f, 4f};
        float[] masked = new float[4];
        long flips = mask.update(FloatBuffer.wrap(changed), FloatBuffer.wrap(masked));
        assertEquals(2, flips, "index 0 dropped, index 3 revived");
        assertArrayEquals(new float[] {0f, 3f, 0f, 4f}, masked);
        assertEquals(0, mask.update(FloatBuffer.wrap(changed), null));
    }

    @Test
    void sadIsEvenInEveryGroupAndMatchesElementwiseDifference() {
        for (int trial = 0; trial < 200; trial++) {
            int m = 2 + RNG.nextInt(31);
            int n = 1 + RNG.nextInt(m - 1);
            NMLayout layout = new NMLayout(1 + RNG.nextInt(6), 1 + RNG.nextInt(80), new NMPattern(n, m));
            NMMask a = NMMask.of(FloatBuffer.wrap(weights((int) layout.size())), layout);
            NMMask b = NMMask.of(FloatBuffer.wrap(weights((int) layout.size())), layout);
            long total = 0;
            for (int g = 0; g < layout.groupCount(); g++) {
                int groupSad = a.groupDivergence(g, b);
                assertEquals(0, groupSad % 2, "SAD within a group comes in pairs under exact N:M");
                total += groupSad;
            }
            long elementwise = 0;
            for (int r = 0; r < layout.rows(); r++) {
                for (int c = 0; c < layout.cols(); c++) {
                    elementwise += a.isKept(r, c) != b.isKept(r, c) ? 1 : 0;
                }
            }
            assertEquals(elementwise, a.divergence(b));
            assertEquals(total, a.divergence(b));
            assertEquals(0, a.divergence(a.copy()));
        }
    }

    @Test
    void validityFindsViolations() {
        NMLayout layout = new NMLayout(2, 6, new NMPattern(1, 4));
        float[] ok = {0, 0, 3, 0, 1, 0, /* row 2 */ 5, 0, 0, 0, 0, 0};
        assertTrue(NMValidity.check(FloatBuffer.wrap(ok), layout).isValid());
        float[] bad = {0, 0, 3, 0, 1, 2, /* row 2 */ 5, 1, 0, 0, 0, 0};
        NMValidity validity = NMValidity.check(FloatBuffer.wrap(bad), layout);
        assertFalse(validity.isValid());
        assertEquals(2, validity.violatingGroups());
        assertEquals(5, validity.nonZeros());
    }
}

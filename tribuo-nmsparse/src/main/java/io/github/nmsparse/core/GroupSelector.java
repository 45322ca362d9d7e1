package io.github.nmsparse.core;

/**
 * Picks the kept weights of one group: the {@code keep} of largest magnitude, and on equal magnitude the lower
 * index. The rule is a strict total order, so a mask is reproducible bit for bit. Hot: it runs over every weight
 * of every sparse layer at every STE or SR-STE step, so each case takes its cheapest route.
 */
final class GroupSelector {

    /**
     * The 2:4 mask for each outcome of the six pairwise comparisons of a group; bit k of the index is
     * {@code a_i >= a_j} for the pairs (0,1), (0,2), (0,3), (1,2), (1,3), (2,3). A weight is kept when fewer than
     * two others beat it (weight j beats i < j only when strictly larger, so ties go to the lower index).
     */
    private static final int[] TWO_OF_FOUR = new int[64];

    static {
        int[][] pairs = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};
        for (int outcome = 0; outcome < 64; outcome++) {
            int[] beatenBy = new int[4];
            for (int k = 0; k < pairs.length; k++) {
                boolean firstWins = (outcome >>> k & 1) == 1;
                beatenBy[firstWins ? pairs[k][1] : pairs[k][0]]++;
            }
            int bits = 0;
            for (int i = 0; i < 4; i++) {
                bits |= (beatenBy[i] < 2 ? 1 : 0) << i;
            }
            TWO_OF_FOUR[outcome] = bits;
        }
    }

    private GroupSelector() {
    }

    /**
     * @param values the row holding the group; magnitudes are taken here
     * @param start  the group's first index in {@code values}
     * @param width  the group's width, at most 32
     * @param keep   how many to keep, at most {@code width}
     * @return a bit set: bit j is set when weight {@code start + j} is kept
     */
    static int select(float[] values, int start, int width, int keep) {
        if (keep >= width) {
            return allBits(width);
        }
        if (keep == 1) {
            return 1 << largest(values, start, width);
        }
        if (width <= 8) {
            return byRank(values, start, width, keep);
        }
        return keep <= width - keep ? pickLargest(values, start, width, keep) : dropSmallest(values, start, width, width - keep);
    }

    /**
     * The 2:4 fast path over whole groups of a row: selects, counts flips against and updates {@code groupBits},
     * and optionally zeroes the pruned weights of {@code row} in place. Straight-line and branch-free per group.
     *
     * @param row       the row's weights
     * @param groups    how many full groups of 4 to process from the row's start
     * @param groupBits the masks, updated
     * @param firstBits where this row's groups start in {@code groupBits}
     * @param zeroPruned whether to zero the pruned weights in {@code row}
     * @return the number of flipped positions
     */
    static long twoOfFourRow(float[] row, int groups, int[] groupBits, int firstBits, boolean zeroPruned) {
        long flips = 0;
        for (int gr = 0; gr < groups; gr++) {
            int s = gr * 4;
            int w0 = Float.floatToRawIntBits(row[s]);
            int w1 = Float.floatToRawIntBits(row[s + 1]);
            int w2 = Float.floatToRawIntBits(row[s + 2]);
            int w3 = Float.floatToRawIntBits(row[s + 3]);
            // Magnitude keys (see magnitudeKey), and cij = 1 when ai >= aj, by arithmetic alone: no branch to
            // mispredict on random weights.
            int a0 = w0 & 0x7fffffff;
            int a1 = w1 & 0x7fffffff;
            int a2 = w2 & 0x7fffffff;
            int a3 = w3 & 0x7fffffff;
            int outcome = (a1 - a0 - 1) >>> 31
                    | (a2 - a0 - 1) >>> 31 << 1
                    | (a3 - a0 - 1) >>> 31 << 2
                    | (a2 - a1 - 1) >>> 31 << 3
                    | (a3 - a1 - 1) >>> 31 << 4
                    | (a3 - a2 - 1) >>> 31 << 5;
            int bits = TWO_OF_FOUR[outcome];
            int g = firstBits + gr;
            flips += Integer.bitCount(bits ^ groupBits[g]);
            groupBits[g] = bits;
            if (zeroPruned) {
                row[s] = Float.intBitsToFloat(w0 & -(bits & 1));
                row[s + 1] = Float.intBitsToFloat(w1 & -((bits >>> 1) & 1));
                row[s + 2] = Float.intBitsToFloat(w2 & -((bits >>> 2) & 1));
                row[s + 3] = Float.intBitsToFloat(w3 & -(bits >>> 3));
            }
        }
        return flips;
    }

    /**
     * |w| as a non-negative int that orders like the magnitude: integer compares are cheaper and branch-free,
     * and every value, NaN included, gets a place in one total order.
     */
    static int magnitudeKey(float w) {
        return Float.floatToRawIntBits(w) & 0x7fffffff;
    }

    static int allBits(int width) {
        return width == 32 ? -1 : (1 << width) - 1;
    }

    private static int largest(float[] v, int s, int width) {
        int best = 0;
        int bestKey = magnitudeKey(v[s]);
        for (int j = 1; j < width; j++) {
            int key = magnitudeKey(v[s + j]);
            // Strictly larger replaces, so the lower index keeps ties; written as selects, not branches.
            boolean larger = key > bestKey;
            best = larger ? j : best;
            bestKey = larger ? key : bestKey;
        }
        return best;
    }

    /**
     * Groups of up to 8: each weight's rank is the number of weights that beat it, counted over every pair
     * once. The eight ranks are packed as bytes of one long, so the count stays in a register and branch-free.
     */
    private static int byRank(float[] v, int s, int width, int keep) {
        long ranks = 0;
        for (int i = 0; i < width; i++) {
            int ai = magnitudeKey(v[s + i]);
            for (int j = i + 1; j < width; j++) {
                int aj = magnitudeKey(v[s + j]);
                long iWins = (aj - ai - 1) >>> 31;
                ranks += (iWins << (8 * j)) + ((1 - iWins) << (8 * i));
            }
        }
        int bits = 0;
        for (int i = 0; i < width; i++) {
            bits |= (((ranks >>> (8 * i)) & 0xff) < keep ? 1 : 0) << i;
        }
        return bits;
    }

    private static int pickLargest(float[] v, int s, int width, int keep) {
        int chosen = 0;
        for (int pick = 0; pick < keep; pick++) {
            int best = -1;
            int bestValue = 0;
            for (int j = 0; j < width; j++) {
                int a = magnitudeKey(v[s + j]);
                if ((chosen & (1 << j)) == 0 && (best < 0 || a > bestValue)) {
                    best = j;
                    bestValue = a;
                }
            }
            chosen |= 1 << best;
        }
        return chosen;
    }

    private static int dropSmallest(float[] v, int s, int width, int drop) {
        int dropped = 0;
        for (int pick = 0; pick < drop; pick++) {
            int worst = -1;
            int worstValue = 0;
            for (int j = width - 1; j >= 0; j--) {
                int a = magnitudeKey(v[s + j]);
                // Strict '<' while scanning downwards drops the higher index on ties.
                if ((dropped & (1 << j)) == 0 && (worst < 0 || a < worstValue)) {
                    worst = j;
                    worstValue = a;
                }
            }
            dropped |= 1 << worst;
        }
        return allBits(width) & ~dropped;
    }
}

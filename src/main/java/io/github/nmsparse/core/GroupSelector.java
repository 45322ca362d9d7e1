package io.github.nmsparse.core;

/**
 * Picks the kept weights of one group: the {@code keep} of largest magnitude, and on equal magnitude the lower
 * index. The rule is a strict total order, so a mask is reproducible bit for bit.
 */
final class GroupSelector {

    private GroupSelector() {
    }

    /**
     * @param magnitude |w| of the group's weights, in index order; only the first {@code width} are read
     * @param width     the group's width, at most 32
     * @param keep      how many to keep, at most {@code width}
     * @return a bit set: bit j is set when weight j of the group is kept
     */
    static int select(float[] magnitude, int width, int keep) {
        if (keep >= width) {
            return width == 32 ? -1 : (1 << width) - 1;
        }
        // Pick whichever side is smaller: the kept ones, or the dropped ones. Each pick is one scan.
        return keep <= width - keep ? pickLargest(magnitude, width, keep) : dropSmallest(magnitude, width, width - keep);
    }

    private static int pickLargest(float[] magnitude, int width, int keep) {
        int chosen = 0;
        for (int pick = 0; pick < keep; pick++) {
            int best = -1;
            float bestValue = 0f;
            for (int j = 0; j < width; j++) {
                // Strict '>' while scanning upwards keeps the lower index on ties.
                if ((chosen & (1 << j)) == 0 && (best < 0 || magnitude[j] > bestValue)) {
                    best = j;
                    bestValue = magnitude[j];
                }
            }
            chosen |= 1 << best;
        }
        return chosen;
    }

    private static int dropSmallest(float[] magnitude, int width, int drop) {
        int dropped = 0;
        for (int pick = 0; pick < drop; pick++) {
            int worst = -1;
            float worstValue = 0f;
            for (int j = width - 1; j >= 0; j--) {
                // Strict '<' while scanning downwards drops the higher index on ties.
                if ((dropped & (1 << j)) == 0 && (worst < 0 || magnitude[j] < worstValue)) {
                    worst = j;
                    worstValue = magnitude[j];
                }
            }
            dropped |= 1 << worst;
        }
        int all = width == 32 ? -1 : (1 << width) - 1;
        return all & ~dropped;
    }
}

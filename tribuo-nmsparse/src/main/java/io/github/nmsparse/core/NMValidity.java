package io.github.nmsparse.core;

import java.nio.FloatBuffer;

/**
 * Answers "is this layer really N:M?" for any weight matrix: it counts, group by group, the non-zero weights
 * against what the pattern allows.
 *
 * @param groups          the number of groups checked
 * @param violatingGroups the groups holding more non-zeros than the pattern allows
 * @param nonZeros        the non-zero weights in the matrix
 * @param weights         all weights in the matrix
 */
public record NMValidity(long groups, long violatingGroups, long nonZeros, long weights) {

    /**
     * Checks a row-major weight matrix against a layout.
     *
     * @param weights the weights, {@code layout.size()} of them from index 0
     * @param layout  the shape and pattern to check against
     * @return the counts
     */
    public static NMValidity check(FloatBuffer weights, NMLayout layout) {
        layout.requireFits(weights);
        int m = layout.pattern().m();
        long violating = 0;
        long nonZeros = 0;
        for (int row = 0; row < layout.rows(); row++) {
            int rowStart = row * layout.cols();
            for (int gr = 0; gr < layout.groupsPerRow(); gr++) {
                int start = rowStart + gr * m;
                int inGroup = 0;
                for (int j = 0; j < layout.width(gr); j++) {
                    if (weights.get(start + j) != 0f) {
                        inGroup++;
                    }
                }
                nonZeros += inGroup;
                if (inGroup > layout.keep(gr)) {
                    violating++;
                }
            }
        }
        return new NMValidity(layout.groupCount(), violating, nonZeros, layout.size());
    }

    /** @return true when no group holds more non-zeros than the pattern allows */
    public boolean isValid() {
        return violatingGroups == 0;
    }

    /** @return the share of non-zero weights */
    public double density() {
        return weights == 0 ? 0.0 : (double) nonZeros / weights;
    }
}

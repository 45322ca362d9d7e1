package io.github.nmsparse.core;

/**
 * An N:M fine-grained structured sparsity pattern: in every group of {@code m} consecutive weights along a
 * layer's input dimension, at most {@code n} are non-zero (Zhou et al., ICLR 2021, section 3).
 *
 * @param n the number of weights kept per group, {@code 1 <= n < m}
 * @param m the group size, {@code 2 <= m <= 32}
 */
public record NMPattern(int n, int m) implements java.io.Serializable {

    /** The largest group size supported; a group's mask is one {@code int} of bits. */
    public static final int MAX_M = 32;

    /**
     * Validates the pattern.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public NMPattern {
        if (m < 2 || m > MAX_M) {
            throw new IllegalArgumentException("pattern " + n + ":" + m + ": M must be between 2 and " + MAX_M + ", got " + m);
        }
        if (n < 1) {
            throw new IllegalArgumentException("pattern " + n + ":" + m + ": N must be at least 1, got " + n);
        }
        if (n >= m) {
            throw new IllegalArgumentException("pattern " + n + ":" + m + ": N must be less than M"
                    + (n == m ? " (N = M is dense: use the DENSE method instead)" : ""));
        }
    }

    /**
     * Parses text such as {@code "2:4"}.
     *
     * @param text the pattern, two integers separated by a colon
     * @return the pattern
     * @throws IllegalArgumentException naming the bad value when the text is not a valid N:M pattern
     */
    public static NMPattern parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("pattern is missing: expected N:M such as 2:4");
        }
        String[] parts = text.trim().split(":", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("pattern '" + text + "' is not of the form N:M such as 2:4");
        }
        return new NMPattern(parsePart(text, parts[0], "N"), parsePart(text, parts[1], "M"));
    }

    private static int parsePart(String text, String part, String which) {
        try {
            return Integer.parseInt(part.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pattern '" + text + "': " + which + " must be an integer, got '" + part + "'");
        }
    }

    /** @return the share of weights kept in a full group, {@code n / m} */
    public double density() {
        return (double) n / m;
    }

    /** @return the bits needed for one in-group index, {@code ceil(log2 m)} */
    public int indexBits() {
        return 32 - Integer.numberOfLeadingZeros(m - 1);
    }

    /** @return the pattern as text, {@code "n:m"} */
    @Override
    public String toString() {
        return n + ":" + m;
    }
}

package io.github.nmsparse.tribuo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A seeded validation hold-out of the training rows, stratified: each stratum (a label, or one stratum for outputs
 * without labels) gives its share of rows, so the hold-out has the training data's class proportions. The total is
 * the fraction of all rows, rounded, at least 1, spread over the strata by largest remainder; a stratum always keeps
 * one row for training, so where strata of one or two rows cannot give their share the total is smaller.
 */
final class HoldOut {

    private final int[] training;
    private final int[] validation;

    private HoldOut(int[] training, int[] validation) {
        this.training = training;
        this.validation = validation;
    }

    /**
     * @param strata   each row's stratum, 0 to {@code strata.length - 1} or any non-negative ids
     * @param fraction the share of rows to hold out, in (0, 1)
     * @param seed     the seed of the choice
     * @return the rows split in two, each in increasing order
     * @throws IllegalArgumentException when the rows cannot give both a training and a validation row
     */
    static HoldOut split(int[] strata, double fraction, long seed) {
        int rows = strata.length;
        int strataCount = Arrays.stream(strata).max().orElse(-1) + 1;
        List<List<Integer>> byStratum = new ArrayList<>();
        for (int s = 0; s < strataCount; s++) {
            byStratum.add(new ArrayList<>());
        }
        for (int row = 0; row < rows; row++) {
            byStratum.get(strata[row]).add(row);
        }
        int target = Math.max(1, (int) Math.round(fraction * rows));
        if (target >= rows) {
            throw new IllegalArgumentException("a validation fraction of " + fraction + " of " + rows
                    + " training examples leaves none to train on; hold out less or give more data");
        }
        int[] take = new int[strataCount];
        double[] remainder = new double[strataCount];
        int taken = 0;
        for (int s = 0; s < strataCount; s++) {
            int size = byStratum.get(s).size();
            double share = fraction * size;
            take[s] = Math.min((int) Math.floor(share), Math.max(0, size - 1));
            remainder[s] = share - take[s];
            taken += take[s];
        }
        // Largest remainders first (ties to the lower stratum), never the last row of a stratum.
        Integer[] order = IntStream.range(0, strataCount).boxed()
                .sorted((a, b) -> Double.compare(remainder[b], remainder[a])).toArray(Integer[]::new);
        boolean gave = true;
        while (taken < target && gave) {
            gave = false;
            for (int s : order) {
                if (taken < target && take[s] < byStratum.get(s).size() - 1) {
                    take[s]++;
                    taken++;
                    gave = true;
                }
            }
        }
        if (taken == 0) {
            throw new IllegalArgumentException("no validation example can be held out of " + rows
                    + " training examples without taking a class's only example; give more data or set validationFraction to 0");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        boolean[] held = new boolean[rows];
        for (int s = 0; s < strataCount; s++) {
            List<Integer> members = byStratum.get(s);
            int[] shuffled = members.stream().mapToInt(Integer::intValue).toArray();
            for (int i = shuffled.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = t;
            }
            for (int i = 0; i < take[s]; i++) {
                held[shuffled[i]] = true;
            }
        }
        return new HoldOut(IntStream.range(0, rows).filter(r -> !held[r]).toArray(),
                IntStream.range(0, rows).filter(r -> held[r]).toArray());
    }

    /** @return the rows to train on, in increasing order */
    int[] training() {
        return training.clone();
    }

    /** @return the rows held out for validation, in increasing order */
    int[] validation() {
        return validation.clone();
    }
}

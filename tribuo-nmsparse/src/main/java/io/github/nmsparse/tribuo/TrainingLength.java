package io.github.nmsparse.tribuo;

/**
 * How many epochs a run trains when its {@code epochs} setting is 0: {@value #DEFAULT_EPOCHS}, or more on small data,
 * so that training takes at least {@code minSteps} optimizer steps. A fixed epoch count undertrains small data sets: 30
 * epochs of 455 rows at batch 128 are 120 steps, where 8,000 rows give 1,890; the optimizer needs steps, not passes.
 * On datasets/mnist-10k the rule gives the 30 epochs of before, so its results do not change.
 */
final class TrainingLength {

    /** The epochs of a run on data large enough for them to take {@code minSteps} steps. */
    static final int DEFAULT_EPOCHS = 30;

    private TrainingLength() {
    }

    /**
     * @param configured the {@code epochs} setting: a positive count is kept as it is, 0 asks for this rule
     * @param minSteps   the fewest optimizer steps when the rule applies
     * @param rows       the rows trained on
     * @param batch      the examples per step
     * @return the epochs to train
     */
    static int epochs(int configured, int minSteps, int rows, int batch) {
        if (configured > 0) {
            return configured;
        }
        long stepsPerEpoch = (rows + (long) batch - 1) / batch;
        return (int) Math.max(DEFAULT_EPOCHS, (minSteps + stepsPerEpoch - 1) / stepsPerEpoch);
    }
}

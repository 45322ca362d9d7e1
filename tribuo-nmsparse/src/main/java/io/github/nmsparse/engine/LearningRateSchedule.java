package io.github.nmsparse.engine;

/**
 * A linear warm-up from {@code base / warmupSteps} to {@code base}, then a cosine decay that would reach 0 one
 * step after the last (the paper's recipe).
 *
 * @param base        the peak learning rate
 * @param warmupSteps steps of linear warm-up, possibly 0
 * @param totalSteps  all training steps
 */
record LearningRateSchedule(double base, long warmupSteps, long totalSteps) {

    /**
     * @param step the 0-based step
     * @return the learning rate for that step
     */
    double rate(long step) {
        if (step < warmupSteps) {
            return base * (step + 1) / warmupSteps;
        }
        long decaySteps = totalSteps - warmupSteps;
        if (decaySteps <= 0) {
            return base;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        return base * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}

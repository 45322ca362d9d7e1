package io.github.nmsparse.engine;

import io.github.nmsparse.engine.network.Parameter;

/**
 * Stops a run whose loss or weights stop being finite, with a message that says where and what to try, rather than
 * let it return a model of NaNs.
 */
final class DivergenceCheck implements TrainingListener {

    private final double learningRate;
    private long steps;

    /** @param learningRate the run's peak learning rate, for the message */
    DivergenceCheck(double learningRate) {
        this.learningRate = learningRate;
    }

    @Override
    public void onTrainingStart(TrainingRun run) {
        steps = 0;
    }

    @Override
    public void onStepEnd(TrainingRun run, double loss) {
        steps++;
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException("training diverged: the loss became " + loss + " at epoch " + (run.epochsDone() + 1)
                    + ", step " + steps + " of this run; try a lower learning rate (it was " + learningRate
                    + ") or check the inputs' scale");
        }
    }

    @Override
    public void onTrainingEnd(TrainingRun run) {
        for (Parameter parameter : run.network().parameters()) {
            Float bad = parameter.firstNonFinite();
            if (bad != null) {
                throw new TrainingDivergedException("training diverged: a weight became " + bad
                        + "; try a lower learning rate or check the inputs' scale");
            }
        }
    }
}

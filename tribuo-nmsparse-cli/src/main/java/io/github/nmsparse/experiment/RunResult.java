package io.github.nmsparse.experiment;

import io.github.nmsparse.engine.EpochRecord;

import java.util.List;

/**
 * What one run of an experiment measured.
 *
 * @param run                the run
 * @param lambdaW            the lambda_w the trainer used (its own value when the run did not sweep it; NaN when
 *                           the method has none)
 * @param density            the share of weights an N:M layer keeps (N/M), 1 for DENSE
 * @param testAccuracy       accuracy on the test set
 * @param finalLoss          the training loss of the last epoch
 * @param finalSadFraction   SAD of the last epoch over the maskable weights (0 for DENSE)
 * @param meanFlipsPerEpoch  step-level mask flips per epoch, averaged over the epochs
 * @param modelBytes         the size of the saved model file
 * @param trainSeconds       wall-clock training time
 * @param epochs             the per-epoch history, every measure the model's provenance holds
 * @param failure            why the run made no model (training diverged), or null; its measures are then NaN
 */
public record RunResult(RunSpec run, double lambdaW, double density, double testAccuracy, double finalLoss, double finalSadFraction,
                        double meanFlipsPerEpoch, long modelBytes, double trainSeconds, List<EpochRecord> epochs, String failure) {

    /** Copies the list. */
    public RunResult {
        epochs = List.copyOf(epochs == null ? List.of() : epochs);
    }

    /**
     * @param run     the run
     * @param density N/M
     * @param seconds how long it trained before it failed
     * @param failure why it failed
     * @return the result of a run that made no model
     */
    static RunResult failed(RunSpec run, double density, double seconds, String failure) {
        return new RunResult(run, run.lambdaW(), density, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, seconds, List.of(), failure);
    }
}

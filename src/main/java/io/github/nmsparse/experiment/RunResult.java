package io.github.nmsparse.experiment;

import java.util.List;

/**
 * What one run of an experiment measured.
 *
 * @param run                the run
 * @param lambdaW            the lambda_w the trainer used (its own value when the run did not sweep it)
 * @param density            the share of weights an N:M layer keeps (N/M), 1 for DENSE
 * @param testAccuracy       accuracy on the test set
 * @param finalLoss          the training loss of the last epoch
 * @param finalSadFraction   SAD of the last epoch over the maskable weights (0 for DENSE)
 * @param meanFlipsPerEpoch  step-level mask flips per epoch, averaged over the epochs
 * @param modelBytes         the size of the saved model file
 * @param trainSeconds       wall-clock training time
 * @param epochs             the per-epoch history
 */
public record RunResult(RunSpec run, double lambdaW, double density, double testAccuracy, double finalLoss, double finalSadFraction,
                        double meanFlipsPerEpoch, long modelBytes, double trainSeconds, List<Epoch> epochs) {

    /** Copies the list. */
    public RunResult {
        epochs = List.copyOf(epochs);
    }

    /**
     * One epoch of a run.
     *
     * @param epoch       the epoch, from 1
     * @param loss        the mean training loss
     * @param accuracy    the training accuracy seen during the epoch
     * @param sadFraction SAD against the previous epoch's mask, over the maskable weights
     * @param flips       step-level mask flips during the epoch
     */
    public record Epoch(int epoch, double loss, double accuracy, double sadFraction, long flips) {
    }
}

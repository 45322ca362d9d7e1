package io.github.nmsparse.engine;

import io.github.nmsparse.engine.method.SparsityMethod;

/**
 * The seam between a training run and what computes its steps: the fused executor or the ops executor. The run owns
 * the data order, the schedule and the clock; the executor owns where the step's tensors live.
 */
interface StepExecutor {

    /**
     * Trains on one batch: the method prepares the masks, forward, loss, and unless the loss is not finite, backward
     * and the update.
     *
     * @param order        the shuffled row order
     * @param from         where the batch starts in it
     * @param size         the batch size
     * @param clock        where training stands
     * @param learningRate the step size
     * @param step         the 1-based number of this step
     * @return the batch's mean loss and accuracy, before the update
     */
    Outcome step(int[] order, int from, int size, SparsityMethod.TrainingClock clock, float learningRate, long step);

    /**
     * Predicts with the network as trained so far, in inference mode (batch normalization on its running statistics),
     * without touching the training state: for the validation hold-out.
     *
     * @param features row-major inputs
     * @param rows     the number of rows
     * @return the raw outputs, row-major
     */
    float[] predict(float[] features, int rows);

    /** Brings the host network and optimizer up to date: done at the end of every epoch, before listeners look. */
    void publish();

    /** The host network and optimizer were restored: take their state again before the next step or prediction. */
    void reload();

    /**
     * @param loss     the batch's mean loss (not finite when training diverges)
     * @param accuracy the share of correct decisions, NaN for regression
     */
    record Outcome(double loss, double accuracy) {
    }
}

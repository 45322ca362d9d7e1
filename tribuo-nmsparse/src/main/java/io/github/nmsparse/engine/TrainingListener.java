package io.github.nmsparse.engine;

import java.io.IOException;

/**
 * Hears a training run's events, for side effects kept out of the training loop, as DJL's TrainingListener does:
 * SAD tracking, the divergence check, the epoch log and checkpoints are listeners, and a trainer takes more. A
 * listener that keeps state across epochs also implements {@link io.github.nmsparse.engine.state.TrainingState}, and
 * checkpoints then save it with the rest of the run.
 *
 * <p>Listeners hear each event in the order they were given; the trainer's own come first (SAD, divergence, log),
 * then the configured ones, and the checkpoint last, so that it saves what every other listener made of the epoch.
 */
public interface TrainingListener {

    /**
     * Before the first step of this call (and before a checkpoint, if one is resumed, restores the run).
     *
     * @param run the run
     * @throws IOException when the listener's files cannot be read or written
     */
    default void onTrainingStart(TrainingRun run) throws IOException {
    }

    /**
     * After each step.
     *
     * @param run  the run
     * @param loss the step's mean loss
     */
    default void onStepEnd(TrainingRun run, double loss) {
    }

    /**
     * After each epoch, whose record is {@code run.history()}'s last.
     *
     * @param run the run
     * @throws IOException when the listener's files cannot be written
     */
    default void onEpochEnd(TrainingRun run) throws IOException {
    }

    /**
     * After the last epoch.
     *
     * @param run the run
     */
    default void onTrainingEnd(TrainingRun run) {
    }
}

package io.github.nmsparse.engine;

/** Receives training events, for progress logs and other side effects kept out of the training loop. */
public interface TrainingListener {

    /**
     * Called after each epoch.
     *
     * @param record what the epoch did
     * @param epochs the number of epochs in the run
     */
    void onEpochEnd(EpochRecord record, int epochs);
}

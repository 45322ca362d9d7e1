package io.github.nmsparse.engine;

import java.util.List;

/**
 * The outcome of a training run.
 *
 * @param network   the trained network
 * @param history   one record per epoch
 * @param backend   the backend and thread settings it trained with
 * @param optimizer the optimizer and its settings
 */
public record TrainingResult(Mlp network, List<EpochRecord> history, Nd4jRuntime.BackendInfo backend, String optimizer) {

    /** Copies the history. */
    public TrainingResult {
        history = List.copyOf(history);
    }
}

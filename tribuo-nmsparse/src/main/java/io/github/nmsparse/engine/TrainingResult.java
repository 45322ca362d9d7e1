package io.github.nmsparse.engine;

import io.github.nmsparse.engine.network.Nd4jRuntime;
import io.github.nmsparse.engine.network.Network;

import java.util.List;

/**
 * The outcome of a training run.
 *
 * @param network the trained network
 * @param history one record per epoch
 * @param backend  the backend and thread settings it trained with
 * @param executor the executor that ran its steps, FUSED or OPS
 */
public record TrainingResult(Network network, List<EpochRecord> history, Nd4jRuntime.BackendInfo backend, Executor executor) {

    /** Copies the history. */
    public TrainingResult {
        history = List.copyOf(history);
    }
}

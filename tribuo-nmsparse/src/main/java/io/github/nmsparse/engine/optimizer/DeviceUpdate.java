package io.github.nmsparse.engine.optimizer;

import io.github.nmsparse.engine.network.DeviceParameter;

/**
 * An optimizer's update on the ops executor: the fused executor's arithmetic, in its order, as ND4J ops on whole
 * parameters, with the per-element state (moments) kept on the backend and published back to the optimizer's own
 * state, for checkpoints, when asked (once an epoch).
 */
public interface DeviceUpdate {

    /**
     * Updates a parameter's values in place from its gradient.
     *
     * @param parameter    the parameter
     * @param learningRate the step size for this step
     * @param step         the 1-based number of this step
     */
    void update(DeviceParameter parameter, float learningRate, long step);

    /** Copies the per-element state out to the optimizer's own. */
    void publish();
}

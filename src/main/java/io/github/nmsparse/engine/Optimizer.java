package io.github.nmsparse.engine;

/**
 * A gradient-descent update rule. Its per-element state lives in each {@link Parameter}, so one optimizer object
 * serves every parameter and every training run.
 */
public interface Optimizer {

    /**
     * Updates one parameter from its gradient.
     *
     * @param parameter    the parameter, its gradient and its state
     * @param learningRate the step size for this step
     * @param step         the 1-based number of this step
     */
    void update(Parameter parameter, float learningRate, long step);

    /** @return the optimizer and its settings, for logs and provenance */
    String describe();
}

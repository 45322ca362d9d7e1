package io.github.nmsparse.engine;

/**
 * A gradient-descent update rule. Its per-element state lives in each {@link Parameter}, so one optimizer object
 * serves every parameter and every training run. Updates come one row at a time, possibly from several threads
 * for different rows, so that the training methods' per-row work can share the same pass over memory.
 */
public interface Optimizer {

    /**
     * Updates one row of a parameter in place.
     *
     * @param parameter    the parameter, whose state is read and written at {@code offset}
     * @param offset       the row's first element in the parameter
     * @param weights      the row's values, updated in place
     * @param gradient     the row's gradient
     * @param length       the row's length
     * @param learningRate the step size for this step
     * @param step         the 1-based number of this step
     */
    void updateRow(Parameter parameter, int offset, float[] weights, float[] gradient, int length, float learningRate, long step);

    /** @return the optimizer and its settings, for logs and provenance */
    String describe();
}

package io.github.nmsparse.engine.optimizer;

import io.github.nmsparse.engine.network.DeviceParameter;
import io.github.nmsparse.engine.network.Parameter;
import io.github.nmsparse.engine.state.RunComponent;

import java.util.List;

/**
 * A gradient-descent update rule, and a configurable component the way Tribuo's {@code StochasticGradientOptimiser}
 * is one: its settings are {@code @Config} fields, and each training run uses a {@link #copy()}, which
 * {@link #initialise}s its per-element state (moments) for the run's parameters and saves it in checkpoints through
 * {@link #save}/{@link #restore}. Updates come one row at a time, possibly from several threads for different rows,
 * so that the training method's per-row work shares the same pass over memory. The learning rate comes from the
 * schedule, step by step.
 */
public interface Optimizer extends RunComponent {

    /**
     * Creates the per-element state for a run's parameters, all zero.
     *
     * @param parameters the network's parameters, each knowing its index
     */
    void initialise(List<Parameter> parameters);

    /**
     * Updates one row of a parameter in place.
     *
     * @param parameter    the parameter, whose state is read and written at {@code row}
     * @param row          the row
     * @param weights      the row's values, updated in place
     * @param gradient     the row's gradient
     * @param learningRate the step size for this step
     * @param step         the 1-based number of this step
     */
    void updateRow(Parameter parameter, int row, float[] weights, float[] gradient, float learningRate, long step);

    /**
     * @param parameters the run's parameters on the ops executor, in {@link #initialise}'s order
     * @return this optimizer's update on the ops executor, its state loaded from this optimizer's
     * @throws UnsupportedOperationException for an optimizer written for the fused executor only
     */
    default DeviceUpdate onDevice(List<DeviceParameter> parameters) {
        throw new UnsupportedOperationException("the optimizer " + getClass().getSimpleName()
                + " has no form for the OPS executor; train with the FUSED executor on the CPU backend");
    }

    /** @return a new instance with this one's settings and no state, for one training run */
    default Optimizer copy() {
        return (Optimizer) freshCopy();
    }
}

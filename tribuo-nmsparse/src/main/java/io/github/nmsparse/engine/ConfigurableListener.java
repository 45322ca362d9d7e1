package io.github.nmsparse.engine;

import io.github.nmsparse.engine.state.RunComponent;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;

import java.io.IOException;

/**
 * A listener a trainer takes from its configuration (the {@code listeners} setting): an OLCUT component whose
 * provenance records its settings, copied fresh for each training run. One that keeps state across epochs overrides
 * {@link #save} and {@link #restore}, and checkpoints carry it.
 */
public interface ConfigurableListener extends TrainingListener, RunComponent {

    /** @return a new instance with this one's settings and a fresh run state, for one training run */
    default ConfigurableListener copy() {
        return (ConfigurableListener) freshCopy();
    }

    /** A listener keeps no state unless it says so. */
    @Override
    default void save(StateOutput out) throws IOException {
    }

    @Override
    default void restore(StateInput in) throws IOException {
    }
}

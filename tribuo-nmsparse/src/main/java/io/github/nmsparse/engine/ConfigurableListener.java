package io.github.nmsparse.engine;

import io.github.nmsparse.engine.state.RunComponent;

/**
 * A listener a trainer takes from its configuration (the {@code listeners} setting): an OLCUT component whose
 * provenance records its settings, copied fresh for each training run.
 */
public interface ConfigurableListener extends TrainingListener, RunComponent {

    /** @return a new instance with this one's settings and a fresh run state, for one training run */
    default ConfigurableListener copy() {
        return (ConfigurableListener) freshCopy();
    }
}

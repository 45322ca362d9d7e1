package io.github.nmsparse.engine.state;

import java.io.IOException;

/**
 * Something that carries state from one training step to the next: what an exact resume must save and restore. The
 * optimizer's moments, the training method's own state, each sparse layer's mask and masked weights, batch
 * normalization's running statistics and the SAD tracker's masks all implement it; the checkpoint only frames what
 * they write (see {@code io.github.nmsparse.engine.CheckpointPolicy}).
 *
 * <p>{@link #restore} reads exactly what {@link #save} wrote, into an object built the same way (same settings,
 * same network): the same sizes, so a stream that does not fit is damaged or belongs to another run.
 */
public interface TrainingState {

    /**
     * Writes the state.
     *
     * @param out where to write
     * @throws IOException when writing fails
     */
    void save(StateOutput out) throws IOException;

    /**
     * Reads back what {@link #save} wrote, replacing the current state.
     *
     * @param in where to read
     * @throws IOException when the stream ends early or does not fit this object
     */
    void restore(StateInput in) throws IOException;

    /** A state with nothing in it, for components that carry none. */
    TrainingState NONE = new TrainingState() {
        @Override
        public void save(StateOutput out) {
        }

        @Override
        public void restore(StateInput in) {
        }
    };
}

package io.github.nmsparse.engine.state;

/**
 * A piece of a training run's state with a name that says what it is, so that a checkpoint that does not fit says
 * which piece did not.
 *
 * @param name  what it is, e.g. "optimizer" or "layer 2 mask"
 * @param state the state
 */
public record NamedState(String name, TrainingState state) {
}

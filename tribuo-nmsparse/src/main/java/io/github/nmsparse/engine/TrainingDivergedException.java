package io.github.nmsparse.engine;

/** Thrown when the loss or the weights stop being finite numbers; nothing of the failed run is kept. */
public final class TrainingDivergedException extends IllegalStateException {

    TrainingDivergedException(String message) {
        super(message);
    }
}

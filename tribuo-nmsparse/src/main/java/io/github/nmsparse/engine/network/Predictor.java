package io.github.nmsparse.engine.network;

/** Computes a network's raw outputs for a block of examples. */
@FunctionalInterface
public interface Predictor {

    /**
     * @param features row-major inputs, {@code rows} examples
     * @param rows     the number of examples
     * @return the raw outputs, row-major
     */
    float[] predict(float[] features, int rows);
}

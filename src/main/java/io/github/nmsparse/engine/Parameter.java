package io.github.nmsparse.engine;

import java.nio.FloatBuffer;

/**
 * A trainable tensor, its gradient, and the optimizer's per-element state. Only the engine creates them.
 */
public final class Parameter {

    final FloatBuffer value;
    final FloatBuffer gradient;
    final int size;
    /** Whether weight decay applies; biases are not decayed. */
    final boolean decays;
    float[] firstMoment;
    float[] secondMoment;

    Parameter(FloatBuffer value, FloatBuffer gradient, int size, boolean decays) {
        this.value = value;
        this.gradient = gradient;
        this.size = size;
        this.decays = decays;
    }

    float[] firstMoment() {
        if (firstMoment == null) {
            firstMoment = new float[size];
        }
        return firstMoment;
    }

    float[] secondMoment() {
        if (secondMoment == null) {
            secondMoment = new float[size];
        }
        return secondMoment;
    }
}

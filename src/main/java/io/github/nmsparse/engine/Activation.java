package io.github.nmsparse.engine;

import java.nio.FloatBuffer;

/** Hidden-layer activations, applied element-wise in Java over tensor buffers. */
public enum Activation {
    /** max(0, z). */
    RELU {
        @Override
        float apply(float z) {
            return z > 0f ? z : 0f;
        }

        @Override
        float derivative(float z, float a) {
            return z > 0f ? 1f : 0f;
        }
    },
    /** tanh(z). */
    TANH {
        @Override
        float apply(float z) {
            return (float) Math.tanh(z);
        }

        @Override
        float derivative(float z, float a) {
            return 1f - a * a;
        }
    },
    /** GELU in its tanh form, 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))), as in BERT and PyTorch's "tanh" GELU. */
    GELU {
        private static final float C = 0.7978845608f;
        private static final float K = 0.044715f;

        @Override
        float apply(float z) {
            return 0.5f * z * (1f + (float) Math.tanh(C * (z + K * z * z * z)));
        }

        @Override
        float derivative(float z, float a) {
            float t = (float) Math.tanh(C * (z + K * z * z * z));
            return 0.5f * (1f + t) + 0.5f * z * (1f - t * t) * C * (1f + 3f * K * z * z);
        }
    };

    abstract float apply(float z);

    /** The derivative at pre-activation z, whose activation is a. */
    abstract float derivative(float z, float a);

    /** Writes {@code a[i] = f(z[i])} for the first {@code count} entries. */
    void forward(FloatBuffer z, FloatBuffer a, int count) {
        for (int i = 0; i < count; i++) {
            a.put(i, apply(z.get(i)));
        }
    }

    /** Multiplies {@code grad[i]} by {@code f'(z[i])} for the first {@code count} entries. */
    void backward(FloatBuffer z, FloatBuffer a, FloatBuffer grad, int count) {
        for (int i = 0; i < count; i++) {
            grad.put(i, grad.get(i) * derivative(z.get(i), a.get(i)));
        }
    }
}

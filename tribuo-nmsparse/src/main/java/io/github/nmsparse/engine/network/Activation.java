package io.github.nmsparse.engine.network;

/**
 * Hidden-layer activations, applied element-wise in Java over tensor buffers. (A plain enum without per-constant
 * bodies, so that OLCUT can restore it from provenance.)
 */
public enum Activation {
    /** max(0, z). */
    RELU,
    /** tanh(z). */
    TANH,
    /** GELU in its tanh form, 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))), as in BERT and PyTorch's "tanh" GELU. */
    GELU;

    static final float GELU_C = 0.7978845608f;
    static final float GELU_K = 0.044715f;

    float apply(float z) {
        return switch (this) {
            case RELU -> z > 0f ? z : 0f;
            case TANH -> (float) Math.tanh(z);
            case GELU -> 0.5f * z * (1f + (float) Math.tanh(GELU_C * (z + GELU_K * z * z * z)));
        };
    }

    /** The derivative at pre-activation z, whose activation is a. */
    float derivative(float z, float a) {
        return switch (this) {
            case RELU -> z > 0f ? 1f : 0f;
            case TANH -> 1f - a * a;
            case GELU -> {
                float t = (float) Math.tanh(GELU_C * (z + GELU_K * z * z * z));
                yield 0.5f * (1f + t) + 0.5f * z * (1f - t * t) * GELU_C * (1f + 3f * GELU_K * z * z);
            }
        };
    }

    /** Writes {@code a[i] = f(z[i])} for the first {@code count} entries. */
    void forward(float[] z, float[] a, int count) {
        switch (this) {
            // The common case gets its own loop, which the JIT can vectorize.
            case RELU -> {
                for (int i = 0; i < count; i++) {
                    a[i] = Math.max(z[i], 0f);
                }
            }
            default -> {
                for (int i = 0; i < count; i++) {
                    a[i] = apply(z[i]);
                }
            }
        }
    }

    /** Writes {@code dx[i] = dy[i] * f'(z[i])} for the first {@code count} entries, where {@code a[i] = f(z[i])}. */
    void backward(float[] z, float[] a, float[] dy, float[] dx, int count) {
        switch (this) {
            case RELU -> {
                // dx = z > 0 ? dy : +0, as a bit mask: the JIT compiled the select to a branch, mispredicted about
                // every other time on real activations (8x slower on random ones). The mask is all ones exactly
                // when z's bits, read as an int, are positive and not zero: z > 0, or a NaN without its sign bit
                // (which passes dy through where the select gave 0; a NaN activation has diverged already).
                for (int i = 0; i < count; i++) {
                    int bits = Float.floatToRawIntBits(z[i]);
                    int mask = (-bits & ~bits) >> 31;
                    dx[i] = Float.intBitsToFloat(Float.floatToRawIntBits(dy[i]) & mask);
                }
            }
            default -> {
                for (int i = 0; i < count; i++) {
                    dx[i] = dy[i] * derivative(z[i], a[i]);
                }
            }
        }
    }
}

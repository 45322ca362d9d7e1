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
                // dx = z > 0 ? dy : +0 in arithmetic C2 vectorizes (3.5x a scalar bit mask, which was 8x a select
                // compiled to a branch): a = max(z, 0) scaled by 2^254 is at least 1 for every a > 0, subnormals
                // included, and +0 otherwise, so the factor is exactly 1 or 0, and adding +0 turns dy * 0 = -0 into
                // +0. Exact for finite dy; an infinite dy where z <= 0 gives NaN, which the divergence check stops.
                for (int i = 0; i < count; i++) {
                    dx[i] = dy[i] * Math.min(1f, a[i] * 0x1p127f * 0x1p127f) + 0f;
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

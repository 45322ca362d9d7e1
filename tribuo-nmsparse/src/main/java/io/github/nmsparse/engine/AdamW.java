package io.github.nmsparse.engine;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), in PyTorch's form:
 * {@code w -= lr * (wd * w + m_hat / (sqrt(v_hat) + eps))}. Biases are not decayed.
 */
public final class AdamW implements Optimizer {

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;

    /**
     * @param weightDecay the decoupled weight decay; betas 0.9 and 0.999, epsilon 1e-8
     */
    public AdamW(double weightDecay) {
        this.beta1 = 0.9f;
        this.beta2 = 0.999f;
        this.epsilon = 1e-8f;
        this.weightDecay = (float) weightDecay;
    }

    @Override
    public void updateRow(Parameter p, int offset, float[] w, float[] g, int length, float learningRate, long step) {
        float[] m = p.firstMoment();
        float[] v = p.secondMoment();
        float stepSize = learningRate / (float) (1 - Math.pow(beta1, step));
        float invSqrtCorrection2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, step)));
        float decay = p.decays ? 1f - learningRate * weightDecay : 1f;
        for (int i = 0; i < length; i++) {
            float gi = g[i];
            float mi = beta1 * m[offset + i] + (1 - beta1) * gi;
            float vi = beta2 * v[offset + i] + (1 - beta2) * gi * gi;
            m[offset + i] = mi;
            v[offset + i] = vi;
            w[i] = w[i] * decay - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtCorrection2 + epsilon);
        }
    }

    @Override
    public String describe() {
        return "AdamW(beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + epsilon + ", weightDecay=" + weightDecay + ")";
    }
}

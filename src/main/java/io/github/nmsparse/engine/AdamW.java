package io.github.nmsparse.engine;

import java.nio.FloatBuffer;

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
    public void update(Parameter p, float learningRate, long step) {
        float[] m = p.firstMoment();
        float[] v = p.secondMoment();
        FloatBuffer w = p.value;
        FloatBuffer g = p.gradient;
        float correction1 = (float) (1 - Math.pow(beta1, step));
        float correction2 = (float) (1 - Math.pow(beta2, step));
        float stepSize = learningRate / correction1;
        float sqrtCorrection2 = (float) Math.sqrt(correction2);
        float decay = p.decays ? 1f - learningRate * weightDecay : 1f;
        for (int i = 0; i < p.size; i++) {
            float gi = g.get(i);
            float mi = beta1 * m[i] + (1 - beta1) * gi;
            float vi = beta2 * v[i] + (1 - beta2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            float denominator = (float) Math.sqrt(vi) / sqrtCorrection2 + epsilon;
            w.put(i, w.get(i) * decay - stepSize * mi / denominator);
        }
    }

    @Override
    public String describe() {
        return "AdamW(beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + epsilon + ", weightDecay=" + weightDecay + ")";
    }
}

package io.github.nmsparse.engine;

/**
 * Stochastic gradient descent with momentum, optionally Nesterov's, and L2 weight decay added to the gradient, in
 * PyTorch's form: {@code g += wd * w; b = mu * b + g; w -= lr * (nesterov ? g + mu * b : b)}. Biases are not
 * decayed.
 */
public final class SgdMomentum implements Optimizer {

    private final float momentum;
    private final boolean nesterov;
    private final float weightDecay;

    /**
     * @param momentum    the momentum, in [0, 1)
     * @param nesterov    whether to use Nesterov momentum
     * @param weightDecay the L2 weight decay
     */
    public SgdMomentum(double momentum, boolean nesterov, double weightDecay) {
        this.momentum = (float) momentum;
        this.nesterov = nesterov;
        this.weightDecay = (float) weightDecay;
    }

    @Override
    public void updateRow(Parameter p, int offset, float[] w, float[] g, int length, float learningRate, long step) {
        float[] buffer = p.firstMoment();
        float decay = p.decays ? weightDecay : 0f;
        for (int i = 0; i < length; i++) {
            float wi = w[i];
            float gi = g[i] + decay * wi;
            float bi = step == 1 ? gi : momentum * buffer[offset + i] + gi;
            buffer[offset + i] = bi;
            float direction = nesterov ? gi + momentum * bi : bi;
            w[i] = wi - learningRate * direction;
        }
    }

    @Override
    public String describe() {
        return "SGD(momentum=" + momentum + ", nesterov=" + nesterov + ", weightDecay=" + weightDecay + ")";
    }
}

package io.github.nmsparse.engine.optimizer;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import io.github.nmsparse.engine.network.DeviceParameter;
import io.github.nmsparse.engine.network.Parameter;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.List;

/**
 * Stochastic gradient descent with momentum, optionally Nesterov's, and L2 weight decay added to the gradient, in
 * PyTorch's form: {@code g += wd * w; b = mu * b + g; w -= lr * (nesterov ? g + mu * b : b)}. Biases and
 * normalization scales are not decayed. The paper trains with it (momentum 0.9).
 */
public final class Sgd implements Optimizer {

    @Config(description = "Momentum, in [0, 1); 0 for plain SGD.")
    private double momentum = 0.9;

    @Config(description = "Whether the momentum is Nesterov's.")
    private boolean nesterov = false;

    @Config(description = "L2 weight decay added to the gradient of weights.")
    private double weightDecay = 5e-4;

    private final Moments buffers = new Moments();

    /** SGD with momentum 0.9, not Nesterov's, weight decay 5e-4. */
    public Sgd() {
    }

    /**
     * @param momentum    the momentum, in [0, 1)
     * @param nesterov    whether to use Nesterov momentum
     * @param weightDecay the L2 weight decay
     * @throws PropertyException naming a setting out of range
     */
    public Sgd(double momentum, boolean nesterov, double weightDecay) {
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        postConfig();
    }

    /** @throws PropertyException naming a setting out of range */
    @Override
    public void postConfig() {
        Settings.require(momentum >= 0 && momentum < 1, "momentum", "in [0, 1)", momentum);
        Settings.require(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay", "a finite number >= 0", weightDecay);
    }

    @Override
    public void initialise(List<Parameter> parameters) {
        buffers.initialise(parameters);
    }

    @Override
    public void updateRow(Parameter p, int row, float[] w, float[] g, float learningRate, long step) {
        float momentum = (float) this.momentum;
        float[] buffer = buffers.readRow(p, row);
        int length = p.cols();
        float decay = p.decays() ? (float) weightDecay : 0f;
        for (int i = 0; i < length; i++) {
            float wi = w[i];
            float gi = g[i] + decay * wi;
            float bi = step == 1 ? gi : momentum * buffer[i] + gi;
            buffer[i] = bi;
            float direction = nesterov ? gi + momentum * bi : bi;
            w[i] = wi - learningRate * direction;
        }
        buffers.writeRow(p, row, buffer);
    }

    /** The same update as ND4J ops on whole parameters, in {@link #updateRow}'s arithmetic and order. */
    @Override
    public DeviceUpdate onDevice(List<DeviceParameter> parameters) {
        INDArray[] momentumBuffers = buffers.upload(parameters);
        INDArray[] a = Moments.scratch(parameters);
        INDArray[] b = Moments.scratch(parameters);
        float momentum = (float) this.momentum;
        return new DeviceUpdate() {
            @Override
            public void update(DeviceParameter p, float learningRate, long step) {
                int i = p.host().index();
                float decay = p.host().decays() ? (float) weightDecay : 0f;
                // g' = g + decay w; buffer = step 1 ? g' : momentum buffer + g'
                INDArray g = p.value().mul(decay, a[i]).addi(p.gradient());
                INDArray buffer = momentumBuffers[i];
                if (step == 1) {
                    buffer.assign(g);
                } else {
                    buffer.muli(momentum).addi(g);
                }
                // w = w - lr (nesterov ? g' + momentum buffer : buffer)
                INDArray change = nesterov ? buffer.mul(momentum, b[i]).addi(g).muli(learningRate) : buffer.mul(learningRate, b[i]);
                p.value().subi(change);
            }

            @Override
            public void publish() {
                buffers.download(momentumBuffers);
            }
        };
    }

    @Override
    public void save(StateOutput out) throws IOException {
        buffers.save(out);
    }

    @Override
    public void restore(StateInput in) throws IOException {
        buffers.restore(in, "SGD's momentum buffers");
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "optimizer");
    }
}

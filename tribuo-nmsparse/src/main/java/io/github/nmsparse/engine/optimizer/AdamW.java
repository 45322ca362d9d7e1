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
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), in PyTorch's form:
 * {@code w -= lr * (wd * w + m_hat / (sqrt(v_hat) + eps))}. Biases and normalization scales are not decayed.
 */
public final class AdamW implements Optimizer {

    @Config(description = "Decoupled weight decay, applied to weights only.")
    private double weightDecay = 5e-4;

    @Config(description = "Decay rate of the first moment.")
    private double beta1 = 0.9;

    @Config(description = "Decay rate of the second moment.")
    private double beta2 = 0.999;

    @Config(description = "Added to the root of the second moment, for numerical stability.")
    private double epsilon = 1e-8;

    private final Moments first = new Moments();
    private final Moments second = new Moments();

    /** AdamW with weight decay 5e-4, betas 0.9 and 0.999, epsilon 1e-8. */
    public AdamW() {
    }

    /**
     * @param weightDecay the decoupled weight decay; betas 0.9 and 0.999, epsilon 1e-8
     * @throws PropertyException when it is negative or not finite
     */
    public AdamW(double weightDecay) {
        this.weightDecay = weightDecay;
        postConfig();
    }

    /** @throws PropertyException naming a setting out of range */
    @Override
    public void postConfig() {
        Settings.require(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay", "a finite number >= 0", weightDecay);
        Settings.require(beta1 >= 0 && beta1 < 1, "beta1", "in [0, 1)", beta1);
        Settings.require(beta2 >= 0 && beta2 < 1, "beta2", "in [0, 1)", beta2);
        Settings.require(epsilon > 0 && Double.isFinite(epsilon), "epsilon", "a finite number > 0", epsilon);
    }

    /** @return the decoupled weight decay */
    public double weightDecay() {
        return weightDecay;
    }

    @Override
    public void initialise(List<Parameter> parameters) {
        first.initialise(parameters);
        second.initialise(parameters);
    }

    @Override
    public void updateRow(Parameter p, int row, float[] w, float[] g, float learningRate, long step) {
        float beta1 = (float) this.beta1;
        float beta2 = (float) this.beta2;
        float epsilon = (float) this.epsilon;
        float[] m = first.readRow(p, row);
        float[] v = second.readRow(p, row);
        int length = p.cols();
        float stepSize = learningRate / (float) (1 - Math.pow(beta1, step));
        float invSqrtCorrection2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, step)));
        float decay = p.decays() ? 1f - learningRate * (float) weightDecay : 1f;
        for (int i = 0; i < length; i++) {
            float gi = g[i];
            float mi = beta1 * m[i] + (1 - beta1) * gi;
            float vi = beta2 * v[i] + (1 - beta2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            w[i] = w[i] * decay - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtCorrection2 + epsilon);
        }
        first.writeRow(p, row, m);
        second.writeRow(p, row, v);
    }

    /**
     * The same update as ND4J ops on whole parameters, in {@link #updateRow}'s arithmetic and order (ND4J's own
     * {@code adam_updater} adds epsilon elsewhere, so it is not used).
     */
    @Override
    public DeviceUpdate onDevice(List<DeviceParameter> parameters) {
        INDArray[] m = first.upload(parameters);
        INDArray[] v = second.upload(parameters);
        INDArray[] a = Moments.scratch(parameters);
        INDArray[] b = Moments.scratch(parameters);
        float beta1 = (float) this.beta1;
        float beta2 = (float) this.beta2;
        float epsilon = (float) this.epsilon;
        return new DeviceUpdate() {
            @Override
            public void update(DeviceParameter p, float learningRate, long step) {
                int i = p.host().index();
                INDArray g = p.gradient();
                float stepSize = learningRate / (float) (1 - Math.pow(beta1, step));
                float invSqrtCorrection2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, step)));
                float decay = p.host().decays() ? 1f - learningRate * (float) weightDecay : 1f;
                // m = beta1 m + (1 - beta1) g; v = beta2 v + ((1 - beta2) g) g
                m[i].muli(beta1).addi(g.mul(1 - beta1, a[i]));
                v[i].muli(beta2).addi(g.mul(1 - beta2, a[i]).muli(g));
                // w = w decay - (stepSize m) / (sqrt(v) invSqrtCorrection2 + epsilon)
                Nd4j.exec(new Sqrt(v[i], b[i]));
                b[i].muli(invSqrtCorrection2).addi(epsilon);
                m[i].mul(stepSize, a[i]).divi(b[i]);
                p.value().muli(decay).subi(a[i]);
            }

            @Override
            public void publish() {
                first.download(m);
                second.download(v);
            }
        };
    }

    @Override
    public void save(StateOutput out) throws IOException {
        first.save(out);
        second.save(out);
    }

    @Override
    public void restore(StateInput in) throws IOException {
        first.restore(in, "AdamW's first moments");
        second.restore(in, "AdamW's second moments");
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "optimizer");
    }
}

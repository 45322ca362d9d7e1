package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import io.github.nmsparse.engine.Objective;
import io.github.nmsparse.engine.SoftmaxCrossEntropy;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.OutputFactory;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;

import java.util.LinkedHashMap;
import java.util.Map;

/** Multi-class classification: one-hot targets, softmax cross-entropy, predictions with probabilities. */
public final class LabelAdapter implements OutputAdapter<Label> {

    @Override
    public Objective objective() {
        return new SoftmaxCrossEntropy();
    }

    /** Each class is a stratum, so a validation hold-out has the training data's class proportions. */
    @Override
    public int stratum(Label output, ImmutableOutputInfo<Label> info) {
        return info.getID(output);
    }

    @Override
    public OutputFactory<Label> outputFactory() {
        return new LabelFactory();
    }

    /** A classifier needs two classes at least: with one, every prediction is that class whatever the input. */
    @Override
    public void requireLearnable(ImmutableOutputInfo<Label> info) {
        if (info.size() < 2) {
            throw new IllegalArgumentException("the training data holds one class only (" + info.getDomain()
                    + "); a classifier needs examples of at least two classes");
        }
    }

    @Override
    public boolean generatesProbabilities() {
        return true;
    }

    @Override
    public void encode(Label output, ImmutableOutputInfo<Label> info, float[] target, int offset) {
        int id = info.getID(output);
        if (id < 0) {
            throw new IllegalArgumentException("label '" + output.getLabel() + "' is not in the output domain " + info.getDomain());
        }
        target[offset + id] = 1f;
    }

    @Override
    public Prediction<Label> decode(float[] outputs, int offset, ImmutableOutputInfo<Label> info, int used, Example<Label> example) {
        Map<String, Label> distribution = new LinkedHashMap<>();
        Label best = null;
        for (int id = 0; id < info.size(); id++) {
            Label label = new Label(info.getOutput(id).getLabel(), outputs[offset + id]);
            distribution.put(label.getLabel(), label);
            if (best == null || label.getScore() > best.getScore()) {
                best = label;
            }
        }
        return new Prediction<>(best, distribution, used, example, true);
    }

    @Override
    public ONNXNode onnxOutput(ONNXNode raw, ImmutableOutputInfo<Label> info) {
        return raw.apply(ONNXOperators.SOFTMAX);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "OutputAdapter");
    }
}

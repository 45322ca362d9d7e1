package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import io.github.nmsparse.engine.Objective;
import io.github.nmsparse.engine.SigmoidBinaryCrossEntropy;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.OutputFactory;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.multilabel.ImmutableMultiLabelInfo;
import org.tribuo.multilabel.MultiLabel;
import org.tribuo.multilabel.MultiLabelFactory;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Multi-label classification: one sigmoid output per label with binary cross-entropy; a prediction holds every
 * label whose probability reaches the threshold.
 */
public final class MultiLabelAdapter implements OutputAdapter<MultiLabel> {

    @Config(description = "Probability at or above which a label is predicted.")
    private double threshold = 0.5;

    @Override
    public void postConfig() {
        if (!(threshold > 0 && threshold < 1)) {
            throw new PropertyException("", "threshold", "threshold must be in (0, 1), got " + threshold);
        }
    }

    @Override
    public Objective objective() {
        return new SigmoidBinaryCrossEntropy();
    }

    @Override
    public OutputFactory<MultiLabel> outputFactory() {
        return new MultiLabelFactory();
    }

    @Override
    public boolean generatesProbabilities() {
        return true;
    }

    @Override
    public void encode(MultiLabel output, ImmutableOutputInfo<MultiLabel> info, float[] target, int offset) {
        ImmutableMultiLabelInfo labels = (ImmutableMultiLabelInfo) info;
        for (String name : output.getNameSet()) {
            int id = labels.getID(name);
            if (id < 0) {
                throw new IllegalArgumentException("label '" + name + "' is not in the output domain " + info.getDomain());
            }
            target[offset + id] = 1f;
        }
    }

    @Override
    public Prediction<MultiLabel> decode(float[] outputs, int offset, ImmutableOutputInfo<MultiLabel> info, int used,
                                         Example<MultiLabel> example) {
        Set<Label> chosen = new HashSet<>();
        Map<String, MultiLabel> scores = new LinkedHashMap<>();
        for (int id = 0; id < info.size(); id++) {
            String name = info.getOutput(id).getLabelString();
            Label label = new Label(name, outputs[offset + id]);
            scores.put(name, new MultiLabel(label));
            if (label.getScore() >= threshold) {
                chosen.add(label);
            }
        }
        return new Prediction<>(new MultiLabel(chosen), scores, used, example, true);
    }

    /** The exported model outputs each label's probability; the threshold is left to the consumer. */
    @Override
    public ONNXNode onnxOutput(ONNXNode raw, ImmutableOutputInfo<MultiLabel> info) {
        return raw.apply(ONNXOperators.SIGMOID);
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "OutputAdapter");
    }
}

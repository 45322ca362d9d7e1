package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import io.github.nmsparse.engine.Objective;
import io.github.nmsparse.engine.SquaredError;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.OutputFactory;
import org.tribuo.Prediction;
import org.tribuo.regression.ImmutableRegressionInfo;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;

/**
 * Regression, one network output per dimension, squared error. Targets are standardized with the training
 * domain's mean and variance (which the model keeps in its output info) and un-standardized on prediction, so
 * raw targets of any scale train well.
 */
public final class RegressorAdapter implements OutputAdapter<Regressor> {

    @Override
    public Objective objective() {
        return new SquaredError();
    }

    @Override
    public OutputFactory<Regressor> outputFactory() {
        return new RegressionFactory();
    }

    @Override
    public boolean generatesProbabilities() {
        return false;
    }

    @Override
    public void encode(Regressor output, ImmutableOutputInfo<Regressor> info, float[] target, int offset) {
        ImmutableRegressionInfo regression = (ImmutableRegressionInfo) info;
        int[] idToNatural = regression.getIDtoNaturalOrderMapping();
        double[] values = output.getValues();
        if (values.length != info.size()) {
            throw new IllegalArgumentException("regressor has " + values.length + " dimensions, the domain has " + info.size());
        }
        for (int id = 0; id < info.size(); id++) {
            double value = values[idToNatural[id]];
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("its target '" + output.getNames()[idToNatural[id]] + "' is " + value
                        + "; regression targets must be finite numbers");
            }
            target[offset + id] = (float) ((value - regression.getMean(id)) / scale(regression, id));
        }
    }

    @Override
    public Prediction<Regressor> decode(float[] outputs, int offset, ImmutableOutputInfo<Regressor> info, int used,
                                        Example<Regressor> example) {
        ImmutableRegressionInfo regression = (ImmutableRegressionInfo) info;
        String[] names = new String[info.size()];
        double[] values = new double[info.size()];
        for (int id = 0; id < info.size(); id++) {
            names[id] = info.getOutput(id).getNames()[0];
            values[id] = outputs[offset + id] * scale(regression, id) + regression.getMean(id);
        }
        return new Prediction<>(new Regressor(names, values), used, example);
    }

    @Override
    public ONNXNode onnxOutput(ONNXNode raw, ImmutableOutputInfo<Regressor> info) {
        ImmutableRegressionInfo regression = (ImmutableRegressionInfo) info;
        float[] scales = new float[info.size()];
        float[] means = new float[info.size()];
        for (int id = 0; id < info.size(); id++) {
            scales[id] = (float) scale(regression, id);
            means[id] = (float) regression.getMean(id);
        }
        return raw.apply(ONNXOperators.MUL, raw.onnxContext().array("target_scale", scales))
                .apply(ONNXOperators.ADD, raw.onnxContext().array("target_mean", means));
    }

    private static double scale(ImmutableRegressionInfo info, int id) {
        double std = Math.sqrt(info.getVariance(id));
        return std > 0 && Double.isFinite(std) ? std : 1.0;
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "OutputAdapter");
    }
}

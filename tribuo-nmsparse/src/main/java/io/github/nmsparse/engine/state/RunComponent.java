package io.github.nmsparse.engine.state;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.ConfigurationData;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A configurable part of a training run (a training method, an optimizer, a listener), in the way Tribuo's
 * {@code StochasticGradientOptimiser} is one: its settings are OLCUT {@code @Config} fields validated in
 * {@code postConfig()}, its provenance is its own, and whatever it accumulates while training is its
 * {@link TrainingState}, saved in checkpoints. A trainer keeps one configured instance and trains each run with a
 * {@link #freshCopy()}.
 */
public interface RunComponent extends Configurable, Provenancable<ConfiguredObjectProvenance>, TrainingState {

    /** @return the component's class and settings, e.g. {@code SrSte(lambdaW=2.0E-4)}, read from its provenance */
    default String describe() {
        StringBuilder text = new StringBuilder(getClass().getSimpleName()).append('(');
        String separator = "";
        for (Map.Entry<String, Provenance> setting : new TreeMap<>(getProvenance().getConfiguredParameters()).entrySet()) {
            Provenance value = setting.getValue();
            text.append(separator).append(setting.getKey()).append('=')
                    .append(value instanceof PrimitiveProvenance<?> primitive ? primitive.getValue() : value);
            separator = ", ";
        }
        return text.append(')').toString();
    }

    /**
     * @return a new instance with this one's settings and none of its run state, rebuilt from its provenance exactly
     *         as Tribuo rebuilds a trainer
     * @throws IllegalStateException when the settings cannot be rebuilt (a component whose provenance is incomplete)
     */
    default RunComponent freshCopy() {
        return fromProvenance(getProvenance(), getClass());
    }

    /**
     * @param provenance a component's provenance
     * @param type       the class it must rebuild to
     * @param <C>        the class
     * @return a new instance with the settings the provenance records and no run state
     * @throws IllegalStateException when the provenance rebuilds to another class
     */
    static <C extends RunComponent> C fromProvenance(ConfiguredObjectProvenance provenance, Class<C> type) {
        List<ConfigurationData> configuration = ProvenanceUtil.extractConfiguration(provenance);
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(configuration);
        // extractConfiguration lists the root object first.
        Object copy = cm.lookup(configuration.get(0).getName());
        if (!type.isInstance(copy)) {
            throw new IllegalStateException("rebuilding " + type.getName() + " from its provenance gave a " + copy.getClass().getName());
        }
        return type.cast(copy);
    }
}

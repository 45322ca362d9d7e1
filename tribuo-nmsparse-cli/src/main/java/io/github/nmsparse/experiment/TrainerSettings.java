package io.github.nmsparse.experiment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.ConfigurationData;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.property.ListProperty;
import com.oracle.labs.mlrg.olcut.config.property.Property;
import com.oracle.labs.mlrg.olcut.config.property.SimpleProperty;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import io.github.nmsparse.tribuo.NMSparseTrainer;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A trainer with some settings changed: its own fields, its components (the training method, the optimizer) replaced
 * by type, and their fields. It works on the trainer's whole configuration as its provenance records it, defaults
 * included, and builds the new trainer through OLCUT, so every value is validated as a configuration file's would be
 * and the new trainer's provenance records what it really trained with.
 */
public final class TrainerSettings {

    private final List<ConfigurationData> configuration;
    private final ConfigurationData trainer;

    private TrainerSettings(List<ConfigurationData> configuration) {
        this.configuration = configuration;
        // extractConfiguration lists the root object first.
        this.trainer = configuration.get(0);
    }

    /**
     * @param trainer a trainer
     * @return its settings, to change
     */
    public static TrainerSettings of(NMSparseTrainer<?> trainer) {
        return new TrainerSettings(new ArrayList<>(ProvenanceUtil.extractConfiguration(trainer.getProvenance())));
    }

    /**
     * @param field a trainer field, e.g. "epochs"
     * @param value its new value, as a configuration file writes it
     * @return these settings
     */
    public TrainerSettings set(String field, String value) {
        trainer.add(field, new SimpleProperty(value));
        return this;
    }

    /**
     * @param field  a trainer field holding a list, e.g. "hiddenSizes"
     * @param values its new values
     * @return these settings
     */
    public TrainerSettings set(String field, List<String> values) {
        trainer.add(field, ListProperty.createFromStringList(values));
        return this;
    }

    /**
     * Makes a component field ("method", "optimizer") hold a component of the given type: the trainer's own when it is
     * of that type already (its settings kept), otherwise a new one with the type's defaults.
     *
     * @param field a trainer field holding a component
     * @param type  the component's class
     * @return these settings
     */
    public TrainerSettings component(String field, Class<? extends Configurable> type) {
        if (!component(field).map(data -> data.getClassName().equals(type.getName())).orElse(false)) {
            String name = trainer.getName() + "-" + field;
            configuration.add(new ConfigurationData(name, type.getName()));
            trainer.add(field, new SimpleProperty(name));
        }
        return this;
    }

    /**
     * @param field   a trainer field holding a component, e.g. "method"
     * @param setting a field of that component, e.g. "lambdaW"
     * @param value   its new value
     * @return these settings
     * @throws IllegalArgumentException when the component has no such setting, naming the component and its settings
     */
    public TrainerSettings componentSetting(String field, String setting, String value) {
        ConfigurationData component = component(field).orElseThrow(() -> new IllegalArgumentException("the trainer has no " + field));
        List<String> settings = settings(component.getClassName());
        if (!settings.contains(setting)) {
            String type = component.getClassName().substring(component.getClassName().lastIndexOf('.') + 1);
            throw new IllegalArgumentException("the trainer's " + field + " is " + type + ", which has no setting '" + setting + "'"
                    + (settings.isEmpty() ? " (it has none)" : " (its settings: " + String.join(", ", settings) + ")"));
        }
        component.add(setting, new SimpleProperty(value));
        return this;
    }

    private Optional<ConfigurationData> component(String field) {
        Property property = trainer.get(field).orElse(null);
        if (!(property instanceof SimpleProperty reference)) {
            return Optional.empty();
        }
        return configuration.stream().filter(data -> data.getName().equals(reference.getValue())).findFirst();
    }

    /** @return the names of the {@code @Config} fields of a class and its superclasses, sorted */
    static List<String> settings(String className) {
        TreeSet<String> names = new TreeSet<>();
        try {
            for (Class<?> type = Class.forName(className); type != null; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (field.isAnnotationPresent(Config.class)) {
                        names.add(field.getName());
                    }
                }
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the configuration names a class that is not here: " + className, e);
        }
        return List.copyOf(names);
    }

    /**
     * @return the trainer with these settings, built and validated by OLCUT
     * @throws com.oracle.labs.mlrg.olcut.config.PropertyException naming a setting that is not valid
     */
    public NMSparseTrainer<?> build() {
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(configuration);
        return (NMSparseTrainer<?>) cm.lookup(trainer.getName());
    }
}

package io.github.nmsparse.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.github.nmsparse.engine.method.Asp;
import io.github.nmsparse.engine.method.DecoupledSrSte;
import io.github.nmsparse.engine.method.Dense;
import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.method.Ste;

import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A training method as experiments and the command line name it: the name, and the component class a run trains
 * with. The methods on offer are listed in {@link #ALL}; a new method is its class plus one line there.
 *
 * @param name the name, e.g. SR_STE
 * @param type the method's component class
 */
public record Method(@JsonValue String name, Class<? extends SparsityMethod> type) implements Serializable {

    /** Dense training, the baseline. */
    public static final Method DENSE = new Method("DENSE", Dense.class);
    /** The straight-through estimator. */
    public static final Method STE = new Method("STE", Ste.class);
    /** SR-STE, the paper's method. */
    public static final Method SR_STE = new Method("SR_STE", SrSte.class);
    /** SR-STE's refinement as a decoupled step after the optimizer's: this project's extension for adaptive optimizers. */
    public static final Method SR_STE_DECOUPLED = new Method("SR_STE_DECOUPLED", DecoupledSrSte.class);
    /** ASP: dense, one pruning, fine-tuning. */
    public static final Method ASP = new Method("ASP", Asp.class);

    /** Every method on offer. */
    public static final List<Method> ALL = List.of(DENSE, STE, SR_STE, SR_STE_DECOUPLED, ASP);

    /**
     * @param name a method's name
     * @return the method
     * @throws IllegalArgumentException naming the methods on offer when there is none of that name
     */
    @JsonCreator
    public static Method named(String name) {
        return ALL.stream().filter(m -> m.name.equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "'" + name + "' is not a training method; the methods are " + ALL.stream().map(Method::name).collect(Collectors.joining(", "))));
    }

    /** @return a new instance with the method's default settings */
    public SparsityMethod create() {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName() + " has no usable constructor without arguments", e);
        }
    }

    /** @return whether the method masks layers at all (every one but dense training) */
    public boolean masksLayers() {
        return create().masksLayers();
    }

    /** @return whether the method has SR-STE's lambda_w setting, which a grid can sweep */
    public boolean hasLambdaW() {
        return TrainerSettings.settings(type.getName()).contains("lambdaW");
    }

    /** @return the name as text reads it: SR-STE for SR_STE */
    public String label() {
        return name.replace('_', '-');
    }

    @Override
    public String toString() {
        return name;
    }
}

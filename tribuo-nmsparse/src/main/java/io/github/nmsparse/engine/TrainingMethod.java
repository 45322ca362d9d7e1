package io.github.nmsparse.engine;

import java.util.function.Function;

/**
 * The training methods on offer. Each constant names one {@link SparsityMethod} class and how to make a fresh
 * instance of it from the settings.
 */
public enum TrainingMethod {
    /** No mask. */
    DENSE(settings -> new DenseMethod()),
    /** Straight-through estimator, mask recomputed every step. */
    STE(settings -> new SteMethod()),
    /** Sparse-refined STE with decay {@code lambdaW} on pruned weights. */
    SR_STE(settings -> new SrSteMethod(settings.lambdaW())),
    /** Dense training, one magnitude pruning, then fine-tuning with a fixed mask. */
    ASP(settings -> new AspMethod(settings.aspDenseFraction()));

    private final Function<Settings, SparsityMethod> factory;

    TrainingMethod(Function<Settings, SparsityMethod> factory) {
        this.factory = factory;
    }

    /**
     * @param settings the method's settings
     * @return a fresh method instance for one training run
     */
    public SparsityMethod create(Settings settings) {
        return factory.apply(settings);
    }

    /**
     * Settings read by some of the methods.
     *
     * @param lambdaW          SR-STE's decay on pruned weights
     * @param aspDenseFraction ASP's share of epochs trained dense before pruning
     */
    public record Settings(double lambdaW, double aspDenseFraction) {
    }
}

package io.github.nmsparse.engine;

import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.optimizer.Optimizer;
import io.github.nmsparse.engine.state.RunComponent;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/**
 * How to train: the method, the optimizer, the schedule, batching and the seed. Every setting is named; the method and
 * the optimizer are the configured components, of which each run trains with a fresh copy.
 */
public final class TrainingPlan implements Serializable {

    private static final long serialVersionUID = 1L;

    private final SparsityMethod method;
    private final Optimizer optimizer;
    private final double learningRate;
    private final int epochs;
    private final int warmupEpochs;
    private final int batchSize;
    private final long seed;
    private final Executor executor;

    private TrainingPlan(Builder b) {
        if (b.method == null || b.optimizer == null) {
            throw new IllegalArgumentException("a training plan needs a method and an optimizer");
        }
        if (b.epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + b.epochs);
        }
        if (b.batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + b.batchSize);
        }
        if (b.warmupEpochs < 0 || b.warmupEpochs > b.epochs) {
            throw new IllegalArgumentException("warm-up epochs must be between 0 and the " + b.epochs + " epochs, got " + b.warmupEpochs);
        }
        if (!(b.learningRate > 0) || Double.isInfinite(b.learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + b.learningRate);
        }
        this.method = b.method;
        this.optimizer = b.optimizer;
        this.learningRate = b.learningRate;
        this.epochs = b.epochs;
        this.warmupEpochs = b.warmupEpochs;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.executor = b.executor == null ? Executor.AUTO : b.executor;
    }

    /** @return a builder with nothing set: every setting must be given (the defaults live in the Tribuo trainer) */
    public static Builder builder() {
        return new Builder();
    }

    SparsityMethod method() {
        return method;
    }

    Optimizer optimizer() {
        return optimizer;
    }

    double learningRate() {
        return learningRate;
    }

    int epochs() {
        return epochs;
    }

    int warmupEpochs() {
        return warmupEpochs;
    }

    int batchSize() {
        return batchSize;
    }

    long seed() {
        return seed;
    }

    Executor executor() {
        return executor;
    }

    /**
     * @return every setting that decides what a run computes, for fingerprints and logs; the executor is left out, as
     *         it decides only where the run computes it, so that a checkpoint of one executor resumes in the other
     */
    @Override
    public String toString() {
        return "method " + method.describe() + ", optimizer " + optimizer.describe() + ", learning rate " + learningRate
                + ", epochs " + epochs + ", warm-up epochs " + warmupEpochs + ", batch size " + batchSize + ", seed " + seed;
    }

    /**
     * Serialized with the method and optimizer as their provenance, from which they are rebuilt as Tribuo rebuilds a
     * trainer: their run state (an optimizer's moments) is no part of a plan.
     */
    private Object writeReplace() {
        return new SerializedForm(method.getProvenance(), optimizer.getProvenance(), learningRate, epochs, warmupEpochs, batchSize,
                seed, executor);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a training plan is read through its serialized form");
    }

    private record SerializedForm(ConfiguredObjectProvenance method, ConfiguredObjectProvenance optimizer, double learningRate,
                                  int epochs, int warmupEpochs, int batchSize, long seed, Executor executor) implements Serializable {
        private Object readResolve() {
            return builder().method(RunComponent.fromProvenance(method, SparsityMethod.class))
                    .optimizer(RunComponent.fromProvenance(optimizer, Optimizer.class)).learningRate(learningRate).epochs(epochs)
                    .warmupEpochs(warmupEpochs).batchSize(batchSize).seed(seed).executor(executor).build();
        }
    }

    /** Builds a {@link TrainingPlan}. */
    public static final class Builder {
        private SparsityMethod method;
        private Optimizer optimizer;
        private double learningRate;
        private int epochs;
        private int warmupEpochs;
        private int batchSize;
        private long seed;
        private Executor executor;

        private Builder() {
        }

        /** @param method the training method */
        public Builder method(SparsityMethod method) {
            this.method = method;
            return this;
        }

        /** @param optimizer the update rule */
        public Builder optimizer(Optimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /** @param learningRate the peak learning rate */
        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /** @param epochs passes over the data */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** @param warmupEpochs epochs of linear warm-up before the cosine decay */
        public Builder warmupEpochs(int warmupEpochs) {
            this.warmupEpochs = warmupEpochs;
            return this;
        }

        /** @param batchSize examples per step */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** @param seed the seed of the initial weights and of the shuffling */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @param executor what runs the steps; AUTO when not set */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /** @return the plan */
        public TrainingPlan build() {
            return new TrainingPlan(this);
        }
    }
}

package io.github.nmsparse.engine;

import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.Nd4jRuntime;
import io.github.nmsparse.engine.network.Network;
import io.github.nmsparse.engine.optimizer.Optimizer;
import io.github.nmsparse.engine.state.NamedState;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;
import io.github.nmsparse.engine.state.TrainingState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One training run, step by step. A step: the method prepares the masks, forward, loss, backward, then the update
 * (gradient refinement, optimizer, new masks), run by the plan's executor; at each epoch's end the executor brings
 * the host network up to date. The data is reshuffled at
 * the start of each epoch. {@link NetworkTrainer} drives whole epochs; benchmarks drive single steps.
 */
final class TrainingSession {

    /** Rows of the validation hold-out predicted at once. */
    private static final int EVALUATION_ROWS = 256;

    private final Network network;
    private final Objective objective;
    private final TrainingPlan plan;
    private final TrainingData data;
    private final SparsityMethod method;
    private final Optimizer optimizer;
    private SplittableRandom shuffler;
    private final LearningRateSchedule schedule;
    private final Executor executor;
    private final StepExecutor steps;
    private final int[] order;
    private final int batch;
    private final int stepsPerEpoch;
    private long step;
    private long shuffles;
    private int position;
    private int lastBatchSize;
    private double lastRate;
    private double lastAccuracy;

    /**
     * Starts a run: a seeded network, seeded shuffling, and fresh copies of the plan's method and optimizer.
     *
     * @param architecture the network
     * @param objective    the loss
     * @param plan         how to train
     * @param data         the examples, already encoded and scaled
     */
    TrainingSession(Architecture architecture, Objective objective, TrainingPlan plan, TrainingData data) {
        Nd4jRuntime.configureThisThread();
        this.objective = objective;
        this.plan = plan;
        this.data = data;
        this.method = plan.method().copy();
        this.optimizer = plan.optimizer().copy();
        this.network = Network.initialize(architecture, method.masksLayers(), new SplittableRandom(plan.seed()).split());
        this.shuffler = freshShuffler();
        if (data.inputs() != network.inputs() || data.outputs() != network.outputs()) {
            throw new IllegalArgumentException("data of " + data.inputs() + " inputs and " + data.outputs()
                    + " outputs does not fit a network of " + network.inputs() + " inputs and " + network.outputs() + " outputs");
        }
        optimizer.initialise(network.parameters());
        this.executor = plan.executor().resolve();
        this.steps = executor == Executor.FUSED ? new FusedExecutor(network, objective, data, method, optimizer)
                : new OpsExecutor(network, objective, data, method, optimizer);
        int rows = data.rows();
        this.batch = Math.min(plan.batchSize(), rows);
        this.stepsPerEpoch = (rows + batch - 1) / batch;
        this.schedule = new LearningRateSchedule(plan.learningRate(), (long) plan.warmupEpochs() * stepsPerEpoch,
                (long) stepsPerEpoch * plan.epochs());
        this.order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
    }

    /**
     * Trains on the next mini-batch.
     *
     * @return the batch's mean loss (not finite when training diverges)
     */
    double step() {
        if (position == 0) {
            shuffle();
        }
        int size = Math.min(batch, data.rows() - position);
        double rate = schedule.rate(step);
        StepExecutor.Outcome outcome = steps.step(order, position, size,
                new SparsityMethod.TrainingClock(epochsDone(), plan.epochs()), (float) rate, step + 1);
        if (Double.isFinite(outcome.loss())) {
            lastRate = rate;
        }
        lastAccuracy = outcome.accuracy();
        step++;
        lastBatchSize = size;
        position = position + size >= data.rows() ? 0 : position + size;
        if (position == 0) {
            steps.publish();
        }
        return outcome.loss();
    }

    /** @return the shuffler as the run starts: the seed's second split (the first draws the weights) */
    private SplittableRandom freshShuffler() {
        SplittableRandom rng = new SplittableRandom(plan.seed());
        rng.split();
        return rng.split();
    }

    private void shuffle() {
        shuffles++;
        for (int i = order.length - 1; i > 0; i--) {
            int j = shuffler.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /**
     * Evaluates the validation hold-out with the network as trained so far, as it predicts (batch normalization on its
     * running statistics), in blocks of rows so that a large hold-out needs no large buffers.
     *
     * @return the hold-out's mean loss and accuracy (NaN for regression), or null when the data has no hold-out
     */
    StepExecutor.Outcome evaluate() {
        TrainingData holdOut = data.validation();
        if (holdOut == null) {
            return null;
        }
        int inputs = holdOut.inputs();
        int width = holdOut.outputs();
        double lossSum = 0;
        double accuracySum = 0;
        for (int from = 0; from < holdOut.rows(); from += EVALUATION_ROWS) {
            int rows = Math.min(EVALUATION_ROWS, holdOut.rows() - from);
            float[] outputs = steps.predict(Arrays.copyOfRange(holdOut.features(), from * inputs, (from + rows) * inputs), rows);
            float[] targets = Arrays.copyOfRange(holdOut.targets(), from * width, (from + rows) * width);
            lossSum += objective.lossAndGradient(outputs, targets, new float[outputs.length], rows, width) * rows;
            accuracySum += objective.accuracy(outputs, targets, rows, width) * rows;
        }
        return new StepExecutor.Outcome(lossSum / holdOut.rows(), accuracySum / holdOut.rows());
    }

    /** @return the epochs finished (a checkpoint is taken, and a run resumed, only between epochs) */
    int epochsDone() {
        return (int) (step / stepsPerEpoch);
    }

    int epochs() {
        return plan.epochs();
    }

    /** @return steps in one epoch, the last batch possibly smaller */
    int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    Network network() {
        return network;
    }

    /** @return this run's copy of the plan's method */
    SparsityMethod method() {
        return method;
    }

    /**
     * Brings the host network and optimizer up to date now, as at an epoch's end: for tests that compare the
     * executors step by step.
     */
    void publish() {
        steps.publish();
    }

    /** @return what runs the steps */
    StepExecutor stepExecutor() {
        return steps;
    }

    /** @return the executor the steps run on, FUSED or OPS */
    Executor executor() {
        return executor;
    }

    int lastBatchSize() {
        return lastBatchSize;
    }

    /** @return the share of correct decisions in the last step's batch, before its update; NaN for regression */
    double lastAccuracy() {
        return lastAccuracy;
    }

    double lastRate() {
        return lastRate;
    }

    /** @return the session's own state (its place in the data), the network's, the optimizer's and the method's */
    List<NamedState> states() {
        List<NamedState> states = new ArrayList<>();
        states.add(new NamedState("position", new Position()));
        states.addAll(network.states());
        states.add(new NamedState("optimizer " + optimizer.getClass().getSimpleName(), optimizer));
        states.add(new NamedState("method " + method.getClass().getSimpleName(), method));
        return states;
    }

    /**
     * The steps done, between epochs (a checkpoint) or within one (a data-parallel round). The shuffler's random state
     * is not copied out of {@link SplittableRandom} (whose state is private): restoring replays the seeded shuffles
     * up to the saved step, which leaves the shuffler and the example order exactly as the saved run had them. Saving
     * within an epoch first brings the host network up to date, since the ops executor publishes only at epochs'
     * ends; restoring marks the executor's own copies stale, since the network's state is restored next.
     */
    private final class Position implements TrainingState {
        @Override
        public void save(StateOutput out) throws IOException {
            if (position != 0) {
                steps.publish();
            }
            out.writeLong(step);
        }

        @Override
        public void restore(StateInput in) throws IOException {
            long saved = in.readLong();
            in.require(saved >= 0 && saved <= (long) stepsPerEpoch * plan.epochs(),
                    "the position, step " + saved + " (steps per epoch " + stepsPerEpoch + ", epochs " + plan.epochs() + ")");
            // Each epoch's first step shuffled once, so after `saved` steps the order has been shuffled this often.
            long shuffled = (saved + stepsPerEpoch - 1) / stepsPerEpoch;
            if (shuffled < shuffles) {
                shuffler = freshShuffler();
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                shuffles = 0;
            }
            while (shuffles < shuffled) {
                shuffle();
            }
            step = saved;
            position = (int) (saved % stepsPerEpoch) * batch;
            steps.reload();
        }
    }
}

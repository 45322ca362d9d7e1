package io.github.nmsparse.engine;

import io.github.nmsparse.engine.network.Network;
import io.github.nmsparse.engine.network.SparseWeights;
import io.github.nmsparse.engine.state.NamedState;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;
import io.github.nmsparse.engine.state.TrainingState;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Early stopping on the validation hold-out, as a listener, in the way of Keras's {@code EarlyStopping} with its best
 * weights restored: after each epoch it reads the monitored validation measure; an epoch that improves on the best so
 * far (strictly) becomes the best, and its network state (weights, N:M masks and masked weights, batch-normalization
 * statistics) is copied; after {@code patience} epochs without improvement it stops the run. When it stops the run, or
 * the run reaches its last epoch, the best epoch's state is put back (unless told not to), so the model is the best
 * epoch's, masks included, and as N:M-valid as every epoch's; a run another listener stops keeps its last epoch. Epochs
 * whose sparse layers are not masked yet (ASP's dense phase) are not candidates: the hold-out saw weights that the
 * model would not keep. Its counters and the copy are run state: checkpoints carry them, and a resumed run stops
 * and restores exactly as an uninterrupted one.
 */
public final class EarlyStopping implements TrainingListener, TrainingState {

    /** The validation measure early stopping follows. */
    public enum Monitor {
        /** The mean loss on the hold-out: lower is better. */
        VALIDATION_LOSS,
        /** The share of correct decisions on the hold-out (classification only): higher is better. */
        VALIDATION_ACCURACY
    }

    private static final Logger LOGGER = Logger.getLogger(EarlyStopping.class.getName());
    /** The most bytes a checkpoint may declare for the best epoch's copy. */
    private static final int MAX_COPY_BYTES = Integer.MAX_VALUE - 8;

    private final Monitor monitor;
    private final int patience;
    private final boolean restoreBest;
    private double best = Double.NaN;
    private int bestEpoch;
    private int epochsWithoutImprovement;
    private byte[] bestState = new byte[0];
    private int stoppedAfter;

    /**
     * @param monitor  the validation measure to follow
     * @param patience    epochs without improvement before the run stops; 0 never stops early
     * @param restoreBest whether the run ends with the best epoch's state (else with the last epoch's)
     */
    public EarlyStopping(Monitor monitor, int patience, boolean restoreBest) {
        if (monitor == null) {
            throw new IllegalArgumentException("early stopping needs a measure to monitor");
        }
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be at least 0, got " + patience);
        }
        this.monitor = monitor;
        this.patience = patience;
        this.restoreBest = restoreBest;
    }

    /** Starts from nothing: a checkpoint, if the run resumes from one, restores the state after this. */
    @Override
    public void onTrainingStart(TrainingRun run) {
        best = Double.NaN;
        bestEpoch = 0;
        epochsWithoutImprovement = 0;
        bestState = new byte[0];
        stoppedAfter = 0;
    }

    @Override
    public void onEpochEnd(TrainingRun run) {
        EpochRecord record = run.history().get(run.history().size() - 1);
        double value = monitor == Monitor.VALIDATION_LOSS ? record.validationLoss() : record.validationAccuracy();
        if (Double.isNaN(value)) {
            throw new IllegalStateException("early stopping monitors " + monitor + ", which epoch " + record.epoch() + " did not measure: "
                    + (Double.isNaN(record.validationLoss()) ? "the run has no validation hold-out, or its loss was NaN"
                    : "accuracy is not measured for this output type; monitor VALIDATION_LOSS"));
        }
        if (!run.network().sparseWeights().stream().allMatch(SparseWeights::isActive)) {
            // ASP's dense phase: the hold-out saw unpruned weights, not the N:M model this epoch would give.
            return;
        }
        if (bestEpoch == 0 || (monitor == Monitor.VALIDATION_LOSS ? value < best : value > best)) {
            best = value;
            bestEpoch = record.epoch();
            epochsWithoutImprovement = 0;
            bestState = restoreBest ? copy(run.network()) : bestState;
        } else {
            epochsWithoutImprovement++;
        }
        boolean stopping = patience > 0 && epochsWithoutImprovement >= patience;
        if (stopping) {
            stoppedAfter = record.epoch();
            run.stop();
            LOGGER.info(String.format(Locale.ROOT, "early stopping after epoch %d: %s has not improved for %d epochs", record.epoch(),
                    monitor, patience));
        }
        if (restoreBest && (stopping || run.epochsDone() == run.epochs()) && bestEpoch > 0 && bestEpoch != record.epoch()) {
            restore(run.network(), bestState);
            LOGGER.info(String.format(Locale.ROOT, "restored epoch %d, the best by %s (%.4f)", bestEpoch, monitor, best));
        }
    }

    /** @return the best epoch by the monitored measure (the one the run ends with when restoring), 0 before the first */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** @return the epoch after which early stopping ended the run, or 0 when it did not */
    public int stoppedAfter() {
        return stoppedAfter;
    }

    /** @return the network's state (weights, masks, masked weights, statistics) as bytes, as a checkpoint writes it */
    static byte[] copy(Network network) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            StateOutput out = new StateOutput(bytes);
            for (NamedState state : network.states()) {
                state.state().save(out);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("copying the network to memory failed", e);
        }
    }

    private static void restore(Network network, byte[] copy) {
        try {
            StateInput in = new StateInput(new ByteArrayInputStream(copy), "the best epoch's copy");
            for (NamedState state : network.states()) {
                state.state().restore(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("restoring the best epoch from memory failed", e);
        }
    }

    @Override
    public void save(StateOutput out) throws IOException {
        out.writeInt(monitor.ordinal());
        out.writeInt(patience);
        out.writeBoolean(restoreBest);
        out.writeDouble(best);
        out.writeInt(bestEpoch);
        out.writeInt(epochsWithoutImprovement);
        out.writeInt(stoppedAfter);
        out.writeBytes(bestState);
    }

    /** @throws IllegalArgumentException when the checkpoint's run stopped early with other settings */
    @Override
    public void restore(StateInput in) throws IOException {
        int savedMonitor = in.readInt();
        int savedPatience = in.readInt();
        boolean savedRestoreBest = in.readBoolean();
        if (savedMonitor != monitor.ordinal() || savedPatience != patience || savedRestoreBest != restoreBest) {
            throw new IllegalArgumentException("the checkpoint's run stopped early by other settings (monitor "
                    + (savedMonitor >= 0 && savedMonitor < Monitor.values().length ? Monitor.values()[savedMonitor] : savedMonitor)
                    + ", patience " + savedPatience + ", restoring the best epoch " + savedRestoreBest + ") than this one (monitor " + monitor
                    + ", patience " + patience + ", restoring the best epoch " + restoreBest + "); resume with the same settings");
        }
        best = in.readDouble();
        bestEpoch = in.readInt();
        epochsWithoutImprovement = in.readInt();
        stoppedAfter = in.readInt();
        in.require(bestEpoch >= 0 && epochsWithoutImprovement >= 0 && stoppedAfter >= 0, "early stopping's counters");
        bestState = in.readBytes(MAX_COPY_BYTES, "the best epoch's copy");
    }
}

package io.github.nmsparse.engine;

import io.github.nmsparse.engine.network.Network;
import io.github.nmsparse.engine.state.NamedState;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;
import io.github.nmsparse.engine.state.TrainingState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A training run as its listeners see it: where it stands, its history so far, its network, and every piece of state
 * it carries from step to step, which a checkpoint saves and restores.
 */
public final class TrainingRun {

    private final TrainingSession session;
    private final List<EpochRecord> history = new ArrayList<>();
    private final List<TrainingListener> listeners;
    private final Supplier<String> fingerprint;
    private boolean stopped;

    TrainingRun(TrainingSession session, List<TrainingListener> listeners, Supplier<String> fingerprint) {
        this.session = session;
        this.listeners = List.copyOf(listeners);
        this.fingerprint = fingerprint;
    }

    /** @return the epochs the run trains in all, unless a listener stops it earlier */
    public int epochs() {
        return session.epochs();
    }

    /** @return the epochs finished */
    public int epochsDone() {
        return session.epochsDone();
    }

    /** @return one record per finished epoch */
    public List<EpochRecord> history() {
        return List.copyOf(history);
    }

    /** @return the network being trained */
    public Network network() {
        return session.network();
    }

    /**
     * @return every piece of state the run carries between steps, by name, in a fixed order: its position, the
     *         network's weights, masks and statistics, the optimizer's moments, the training method's own state, the
     *         history, whether the run was stopped, and the state of each listener that keeps some
     */
    public List<NamedState> states() {
        List<NamedState> states = new ArrayList<>(session.states());
        states.add(new NamedState("history", new History()));
        states.add(new NamedState("stopped", new TrainingState() {
            @Override
            public void save(StateOutput out) throws IOException {
                out.writeBoolean(stopped);
            }

            @Override
            public void restore(StateInput in) throws IOException {
                stopped = in.readBoolean();
            }
        }));
        for (TrainingListener listener : listeners) {
            if (listener instanceof TrainingState state) {
                states.add(new NamedState("listener " + listener.getClass().getSimpleName(), state));
            }
        }
        return states;
    }

    /**
     * Ends the run after the current epoch: the epochs left are not trained (early stopping, for one). The decision is
     * part of the run's state, so a run resumed from a checkpoint taken after it stays stopped.
     */
    public void stop() {
        stopped = true;
    }

    /** @return whether a listener has stopped the run */
    public boolean stopped() {
        return stopped;
    }

    /** @return a digest of everything that makes the run what it is: settings, seed, architecture and data */
    public String fingerprint() {
        return fingerprint.get();
    }

    void addEpoch(EpochRecord record) {
        history.add(record);
    }

    /** Replaces the last epoch's record, e.g. with what a listener measured. */
    void amendLastEpoch(UnaryOperator<EpochRecord> change) {
        history.set(history.size() - 1, change.apply(history.get(history.size() - 1)));
    }

    /** Replaces every epoch's record, e.g. with a measure known only at the end. */
    void amendEveryEpoch(List<EpochRecord> records) {
        if (records.size() != history.size()) {
            throw new IllegalArgumentException(records.size() + " records for " + history.size() + " epochs");
        }
        history.clear();
        history.addAll(records);
    }

    /** The history as state: every record, through the record's codec. */
    private final class History implements TrainingState {
        @Override
        public void save(StateOutput out) throws IOException {
            out.writeInt(history.size());
            for (EpochRecord record : history) {
                record.writeTo(new StateRecordSink(out));
            }
        }

        @Override
        public void restore(StateInput in) throws IOException {
            int count = in.readInt();
            in.require(count >= 0 && count <= epochs(), "the history's length " + count);
            List<EpochRecord> records = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                records.add(EpochRecord.readFrom(new StateRecordSource(in)));
            }
            history.clear();
            history.addAll(records);
        }
    }
}

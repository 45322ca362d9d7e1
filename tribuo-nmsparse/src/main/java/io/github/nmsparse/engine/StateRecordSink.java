package io.github.nmsparse.engine;

import io.github.nmsparse.engine.state.StateOutput;

import java.io.IOException;
import java.util.List;

/** Epoch records in checkpoints: each field's value in the codec's order, names implied by the order. */
final class StateRecordSink implements EpochRecord.Sink<IOException> {

    private final StateOutput out;

    StateRecordSink(StateOutput out) {
        this.out = out;
    }

    @Override
    public void putInt(String name, int value) throws IOException {
        out.writeInt(value);
    }

    @Override
    public void putLong(String name, long value) throws IOException {
        out.writeLong(value);
    }

    @Override
    public void putDouble(String name, double value) throws IOException {
        out.writeDouble(value);
    }

    @Override
    public void putLongs(String name, List<Long> values) throws IOException {
        out.writeInt(values.size());
        for (long v : values) {
            out.writeLong(v);
        }
    }
}

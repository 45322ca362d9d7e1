package io.github.nmsparse.engine;

import io.github.nmsparse.engine.state.StateInput;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads back what {@link StateRecordSink} wrote. */
final class StateRecordSource implements EpochRecord.Source<IOException> {

    /** More layers than any network here has: a guard against a damaged length. */
    private static final int MAX_LAYERS = 1 << 16;

    private final StateInput in;

    StateRecordSource(StateInput in) {
        this.in = in;
    }

    @Override
    public int getInt(String name) throws IOException {
        return in.readInt();
    }

    @Override
    public long getLong(String name) throws IOException {
        return in.readLong();
    }

    @Override
    public double getDouble(String name) throws IOException {
        return in.readDouble();
    }

    @Override
    public List<Long> getLongs(String name) throws IOException {
        int size = in.readInt();
        in.require(size >= 0 && size <= MAX_LAYERS, "the length of " + name + ", " + size);
        List<Long> values = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            values.add(in.readLong());
        }
        return values;
    }
}

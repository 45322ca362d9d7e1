package io.github.nmsparse.engine;

import io.github.nmsparse.engine.state.NamedState;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A run's pieces of state as one byte array each: the sections of a checkpoint (untagged) and what the replicas of a
 * data-parallel run exchange (tagged, so that {@link io.github.nmsparse.engine.state.StateMean} can combine them).
 */
final class StateSections {

    private StateSections() {
    }

    /** @return each piece's bytes, in the list's order */
    static byte[][] save(List<NamedState> states, boolean tagged) {
        byte[][] sections = new byte[states.size()][];
        for (int i = 0; i < sections.length; i++) {
            sections[i] = save(states.get(i), tagged);
        }
        return sections;
    }

    /** @return the piece's bytes */
    static byte[] save(NamedState state, boolean tagged) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StateOutput out = tagged ? StateOutput.tagged(bytes) : new StateOutput(bytes);
        try {
            state.state().save(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + state.name() + " to memory failed: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /**
     * Restores each piece from its section, in the list's order.
     *
     * @throws IOException naming the piece whose section does not fit
     */
    static void restore(List<NamedState> states, byte[][] sections, boolean tagged) throws IOException {
        if (sections.length != states.size()) {
            throw new IOException(sections.length + " sections of state for a run of " + states.size() + " pieces");
        }
        for (int i = 0; i < sections.length; i++) {
            restore(states.get(i), sections[i], tagged);
        }
    }

    /**
     * Restores a piece from exactly its section's bytes.
     *
     * @throws IOException naming the piece when its section ends early, has bytes past its end, or does not fit
     */
    static void restore(NamedState state, byte[] section, boolean tagged) throws IOException {
        ByteArrayInputStream bytes = new ByteArrayInputStream(section);
        String source = "section '" + state.name() + "'";
        try {
            state.state().restore(tagged ? StateInput.tagged(bytes, source) : new StateInput(bytes, source));
        } catch (EOFException e) {
            throw new IOException(source + " ends too early", e);
        }
        if (bytes.available() != 0) {
            throw new IOException(source + " has " + bytes.available() + " bytes past its end");
        }
    }
}

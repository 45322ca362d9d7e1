package io.github.nmsparse.engine.state;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMMask;
import io.github.nmsparse.core.NMPattern;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How replicas' tagged states combine: floats averaged, masks the first's, everything else agreed on. */
class StateMeanTest {

    private static final NMLayout LAYOUT = new NMLayout(1, 4, NMPattern.parse("2:4"));

    /** A state as a test writes it: a step count, weights, a mask and a flag. */
    private static byte[] state(long step, float[] weights, float[] maskFrom, boolean pruned) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StateOutput out = StateOutput.tagged(bytes);
        out.writeLong(step);
        out.writeFloats(weights);
        out.writeMask(NMMask.of(FloatBuffer.wrap(maskFrom), LAYOUT));
        out.writeBoolean(pruned);
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void floatsAreAveragedMasksAreTheFirstsAndTheRestIsKept() throws IOException {
        float[] a = {1f, -2f, 0.1f, 3f};
        float[] b = {3f, 2f, 0.2f, -3f};
        byte[] mean = StateMean.of(List.of(state(7, a, a, true), state(7, b, b, true)), "a test state");
        StateInput in = StateInput.tagged(new ByteArrayInputStream(mean), "mean");
        assertEquals(7, in.readLong());
        float[] weights = new float[4];
        in.readFloats(weights, "weights");
        assertArrayEquals(new float[] {2f, 0f, (float) ((0.1f + (double) 0.2f) / 2), 0f}, weights);
        assertEquals(NMMask.of(FloatBuffer.wrap(a), LAYOUT), in.readMask(LAYOUT, "mask"));
        assertTrue(in.readBoolean());
        float[] one = {0.3f, 1e-7f, -5f, 2.5f};
        assertArrayEquals(state(1, one, one, false), StateMean.of(List.of(state(1, one, one, false)), "one replica"),
                "the mean of one replica is that replica, bit for bit");
        assertArrayEquals(state(1, one, one, false), StateMean.of(List.of(state(1, one, one, false), state(1, one, one, false),
                state(1, one, one, false)), "three alike"), "the mean of replicas that agree is their value");
    }

    @Test
    void replicasThatDisagreeOutsideFloatsAndMasksAreRefusedByName() throws IOException {
        float[] a = {1f, 2f, 3f, 4f};
        IllegalStateException steps = assertThrows(IllegalStateException.class,
                () -> StateMean.of(List.of(state(7, a, a, true), state(8, a, a, true)), "position"));
        assertTrue(steps.getMessage().contains("disagree on a LONG value of position"), steps.getMessage());
        IllegalStateException flag = assertThrows(IllegalStateException.class,
                () -> StateMean.of(List.of(state(7, a, a, true), state(7, a, a, false)), "method Asp"));
        assertTrue(flag.getMessage().contains("BOOLEAN value of method Asp"), flag.getMessage());
        IllegalStateException shape = assertThrows(IllegalStateException.class,
                () -> StateMean.of(List.of(state(7, a, a, true), state(7, new float[] {1f}, a, true)), "weights"));
        assertTrue(shape.getMessage().contains("the replicas' weights differ in their sizes"), shape.getMessage());
    }

    @Test
    void aTaggedInputRefusesAValueOfAnotherKind() throws IOException {
        float[] a = {1f, 2f, 3f, 4f};
        StateInput in = StateInput.tagged(new ByteArrayInputStream(state(7, a, a, true)), "a test state");
        IOException e = assertThrows(IOException.class, in::readInt);
        assertTrue(e.getMessage().contains("a value tagged LONG stands where a INT was expected"), e.getMessage());
    }
}

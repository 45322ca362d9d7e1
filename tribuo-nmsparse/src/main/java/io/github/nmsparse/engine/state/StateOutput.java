package io.github.nmsparse.engine.state;

import io.github.nmsparse.core.NMMask;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Where a {@link TrainingState} writes: numbers, arrays and masks, each array preceded by its length. A tagged stream
 * also writes each value's kind before it, for {@link StateMean}; checkpoints are untagged.
 */
public final class StateOutput {

    private final DataOutputStream out;
    private final boolean tagged;

    /** @param out the stream to write to, untagged */
    public StateOutput(OutputStream out) {
        this(out, false);
    }

    private StateOutput(OutputStream out, boolean tagged) {
        this.out = new DataOutputStream(out);
        this.tagged = tagged;
    }

    /**
     * @param out the stream to write to
     * @return an output that tags each value with its kind, to be read by {@link StateInput#tagged} or combined by
     *         {@link StateMean}
     */
    public static StateOutput tagged(OutputStream out) {
        return new StateOutput(out, true);
    }

    private void tag(ValueKind kind) throws IOException {
        if (tagged) {
            out.writeByte(kind.tag());
        }
    }

    /** @param value a flag */
    public void writeBoolean(boolean value) throws IOException {
        tag(ValueKind.BOOLEAN);
        out.writeBoolean(value);
    }

    /** @param value a number */
    public void writeInt(int value) throws IOException {
        tag(ValueKind.INT);
        out.writeInt(value);
    }

    /** @param value a number */
    public void writeLong(long value) throws IOException {
        tag(ValueKind.LONG);
        out.writeLong(value);
    }

    /** @param value a number */
    public void writeDouble(double value) throws IOException {
        tag(ValueKind.DOUBLE);
        out.writeDouble(value);
    }

    /** @param values the array, written with its length */
    public void writeFloats(float[] values) throws IOException {
        writeFloats(FloatBuffer.wrap(values), values.length);
    }

    /**
     * @param values a buffer, read from index 0 without moving its position
     * @param count  how many values to write
     */
    public void writeFloats(FloatBuffer values, int count) throws IOException {
        tag(ValueKind.FLOATS);
        out.writeInt(count);
        ByteBuffer bytes = ByteBuffer.allocate(4 * count);
        float[] copy = new float[count];
        values.get(0, copy);
        bytes.asFloatBuffer().put(copy);
        out.write(bytes.array());
    }

    /** @param values the array, written with its length */
    public void writeInts(int[] values) throws IOException {
        tag(ValueKind.INTS);
        writeIntArray(values);
    }

    private void writeIntArray(int[] values) throws IOException {
        out.writeInt(values.length);
        for (int v : values) {
            out.writeInt(v);
        }
    }

    /** @param values the bytes, written with their length */
    public void writeBytes(byte[] values) throws IOException {
        tag(ValueKind.BYTES);
        out.writeInt(values.length);
        out.write(values);
    }

    /** @param mask a mask, written as its groups' keep bits (its layout is the reader's to know) */
    public void writeMask(NMMask mask) throws IOException {
        tag(ValueKind.MASK);
        writeIntArray(mask.toGroupBits());
    }

    /** Pushes what is buffered to the underlying stream. */
    public void flush() throws IOException {
        out.flush();
    }
}

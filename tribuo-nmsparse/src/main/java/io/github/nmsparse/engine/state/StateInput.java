package io.github.nmsparse.engine.state;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMMask;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Where a {@link TrainingState} reads back what it wrote. Every array's length is checked against the length the
 * reader expects, so a stream written by another network or another run fails with an {@link IOException} that says
 * what did not fit, never with a half-restored state it did not notice.
 */
public final class StateInput {

    private final DataInputStream in;
    private final String source;
    private final boolean tagged;

    /**
     * @param in     the stream to read, untagged
     * @param source what the stream is, for error messages (a file name, say)
     */
    public StateInput(InputStream in, String source) {
        this(in, source, false);
    }

    private StateInput(InputStream in, String source, boolean tagged) {
        this.in = new DataInputStream(in);
        this.source = source;
        this.tagged = tagged;
    }

    /**
     * @param in     a stream written by {@link StateOutput#tagged}
     * @param source what the stream is, for error messages
     * @return an input that checks each value's kind before reading it
     */
    public static StateInput tagged(InputStream in, String source) {
        return new StateInput(in, source, true);
    }

    private void expect(ValueKind kind) throws IOException {
        if (tagged) {
            int tag = in.readUnsignedByte();
            require(tag == kind.tag(), "a value tagged " + (tag < ValueKind.values().length ? ValueKind.of(tag) : tag)
                    + " stands where a " + kind + " was expected");
        }
    }

    /** @return a flag */
    public boolean readBoolean() throws IOException {
        expect(ValueKind.BOOLEAN);
        return in.readBoolean();
    }

    /** @return a number */
    public int readInt() throws IOException {
        expect(ValueKind.INT);
        return in.readInt();
    }

    /** @return a number */
    public long readLong() throws IOException {
        expect(ValueKind.LONG);
        return in.readLong();
    }

    /** @return a number */
    public double readDouble() throws IOException {
        expect(ValueKind.DOUBLE);
        return in.readDouble();
    }

    /**
     * Reads an array of exactly {@code target.length} values into {@code target}.
     *
     * @param target where the values go
     * @param what   what they are, for the error message
     */
    public void readFloats(float[] target, String what) throws IOException {
        readFloats(FloatBuffer.wrap(target), target.length, what);
    }

    /**
     * Reads an array of exactly {@code count} values into a buffer, from index 0.
     *
     * @param target where the values go
     * @param count  how many there must be
     * @param what   what they are, for the error message
     */
    public void readFloats(FloatBuffer target, int count, String what) throws IOException {
        expect(ValueKind.FLOATS);
        int length = in.readInt();
        require(length == count, what + " has " + length + " values where " + count + " were expected");
        byte[] bytes = new byte[4 * count];
        in.readFully(bytes);
        float[] values = new float[count];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
        target.put(0, values);
    }

    /**
     * @param maxLength the most values the array may hold (a guard against absurd lengths)
     * @param what      what it is, for the error message
     * @return an array of ints
     */
    public int[] readInts(int maxLength, String what) throws IOException {
        expect(ValueKind.INTS);
        return readIntArray(maxLength, what);
    }

    private int[] readIntArray(int maxLength, String what) throws IOException {
        int length = in.readInt();
        require(length >= 0 && length <= maxLength, what + " declares " + length + " values");
        int[] values = new int[length];
        for (int i = 0; i < length; i++) {
            values[i] = in.readInt();
        }
        return values;
    }

    /**
     * @param maxLength the most bytes there may be (a guard against absurd lengths)
     * @param what      what they are, for the error message
     * @return the bytes written by {@link StateOutput#writeBytes}
     */
    public byte[] readBytes(int maxLength, String what) throws IOException {
        expect(ValueKind.BYTES);
        int length = in.readInt();
        require(length >= 0 && length <= maxLength, what + " declares " + length + " bytes");
        byte[] values = new byte[length];
        in.readFully(values);
        return values;
    }

    /**
     * @param layout the layout the mask must have
     * @param what   what it is, for the error message
     * @return the mask written by {@link StateOutput#writeMask}
     */
    public NMMask readMask(NMLayout layout, String what) throws IOException {
        expect(ValueKind.MASK);
        int[] bits = readIntArray(layout.groupCount(), what);
        try {
            return NMMask.fromGroupBits(layout, bits);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + what + " is not a mask of this layer: " + e.getMessage(), e);
        }
    }

    /**
     * @param condition what must hold
     * @param what      what did not fit, when it does not
     * @throws IOException naming the source and what did not fit
     */
    public void require(boolean condition, String what) throws IOException {
        if (!condition) {
            throw new IOException(source + ": " + what + "; it does not fit this run");
        }
    }

    /** @return what the stream is, for messages */
    public String source() {
        return source;
    }
}

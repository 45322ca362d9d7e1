package io.github.nmsparse.engine.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Combines one piece of state that the replicas of a data-parallel run trained apart, value by value, from the
 * tagged streams ({@link StateOutput#tagged}) they wrote, without knowing which state wrote them:
 * <ul>
 *   <li>an array of floats (weights, optimizer moments, running statistics) becomes the element-wise mean;</li>
 *   <li>a mask is the first replica's: the training method recomputes masks from the averaged weights afterwards;</li>
 *   <li>every other value (the step count, whether a method has pruned) must be the same in every replica, since
 *       replicas start each round from one state and take the same number of steps.</li>
 * </ul>
 * A new kind of state is averaged correctly with no change here as long as what it averages is floats.
 */
public final class StateMean {

    private StateMean() {
    }

    /**
     * @param replicas the tagged streams of one piece of state, one per replica
     * @param what     the piece of state, for the error message
     * @return the combined state, tagged
     * @throws IllegalStateException when the replicas disagree on a value that is neither floats nor a mask, or their
     *                               streams do not have the same shape
     */
    public static byte[] of(List<byte[]> replicas, String what) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("no replicas to combine " + what + " from");
        }
        DataInputStream[] ins = replicas.stream().map(b -> new DataInputStream(new ByteArrayInputStream(b))).toArray(DataInputStream[]::new);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(replicas.get(0).length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            while (ins[0].available() > 0) {
                ValueKind kind = ValueKind.of(ins[0].readUnsignedByte());
                for (int r = 1; r < ins.length; r++) {
                    require(ins[r].available() > 0 && ins[r].readUnsignedByte() == kind.tag(), what, "the kinds of their values");
                }
                out.writeByte(kind.tag());
                switch (kind) {
                    case FLOATS -> writeMean(ins, out, what);
                    case MASK -> out.write(array(ins, 4, what)[0]);
                    case BOOLEAN -> out.write(same(fixed(ins, 1), what, kind));
                    case INT -> out.write(same(fixed(ins, 4), what, kind));
                    case LONG, DOUBLE -> out.write(same(fixed(ins, 8), what, kind));
                    case INTS -> out.write(same(array(ins, 4, what), what, kind));
                    case BYTES -> out.write(same(array(ins, 1, what), what, kind));
                }
            }
            for (int r = 1; r < ins.length; r++) {
                require(ins[r].available() == 0, what, "where their streams end");
            }
        } catch (EOFException e) {
            throw new IllegalStateException("the replicas' " + what + " ends early in one of them", e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading bytes in memory failed: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    private static void writeMean(DataInputStream[] ins, DataOutputStream out, String what) throws IOException {
        int length = ins[0].readInt();
        for (int r = 1; r < ins.length; r++) {
            require(ins[r].readInt() == length, what, "the length of an array");
        }
        // Summed in double: the mean of one replica, or of replicas that agree, is then exactly their value.
        double[] sums = new double[length];
        for (DataInputStream in : ins) {
            for (int i = 0; i < length; i++) {
                sums[i] += in.readFloat();
            }
        }
        out.writeInt(length);
        for (double sum : sums) {
            out.writeFloat((float) (sum / ins.length));
        }
    }

    /** @return each replica's next {@code size} bytes */
    private static byte[][] fixed(DataInputStream[] ins, int size) throws IOException {
        byte[][] values = new byte[ins.length][size];
        for (int r = 0; r < ins.length; r++) {
            ins[r].readFully(values[r]);
        }
        return values;
    }

    /** @return each replica's next length-prefixed array of {@code width}-byte values, with its length */
    private static byte[][] array(DataInputStream[] ins, int width, String what) throws IOException {
        byte[][] values = new byte[ins.length][];
        for (int r = 0; r < ins.length; r++) {
            int length = ins[r].readInt();
            require(length >= 0 && (long) length * width <= ins[r].available(), what, "the length of an array");
            values[r] = new byte[4 + length * width];
            values[r][0] = (byte) (length >>> 24);
            values[r][1] = (byte) (length >>> 16);
            values[r][2] = (byte) (length >>> 8);
            values[r][3] = (byte) length;
            ins[r].readFully(values[r], 4, length * width);
        }
        return values;
    }

    private static byte[] same(byte[][] values, String what, ValueKind kind) {
        for (int r = 1; r < values.length; r++) {
            if (!Arrays.equals(values[r], values[0])) {
                throw new IllegalStateException("the replicas disagree on a " + kind + " value of " + what + " (replica " + r
                        + " against replica 0): a state that is neither an array of floats nor a mask must be the same in every "
                        + "replica, since each round starts from one state and takes the same steps");
            }
        }
        return values[0];
    }

    private static void require(boolean condition, String what, String part) {
        if (!condition) {
            throw new IllegalStateException("the replicas' " + what + " differ in " + part + ": they were not trained from one state");
        }
    }
}

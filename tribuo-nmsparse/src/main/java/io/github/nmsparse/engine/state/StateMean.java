package io.github.nmsparse.engine.state;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
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
        // Big-endian buffers read what DataOutputStream wrote, in bulk: a float array is one copy, not a call per value.
        ByteBuffer[] ins = replicas.stream().map(ByteBuffer::wrap).toArray(ByteBuffer[]::new);
        for (ByteBuffer in : ins) {
            require(in.remaining() == ins[0].remaining(), what, "their sizes");
        }
        ByteBuffer out = ByteBuffer.allocate(ins[0].remaining());
        try {
            while (ins[0].hasRemaining()) {
                ValueKind kind = ValueKind.of(ins[0].get());
                for (int r = 1; r < ins.length; r++) {
                    require(ins[r].get() == kind.tag(), what, "the kinds of their values");
                }
                out.put(kind.tag());
                switch (kind) {
                    case FLOATS -> writeMean(ins, out, what);
                    case MASK -> out.put(array(ins, 4, what)[0]);
                    case BOOLEAN -> out.put(same(fixed(ins, 1), what, kind));
                    case INT -> out.put(same(fixed(ins, 4), what, kind));
                    case LONG, DOUBLE -> out.put(same(fixed(ins, 8), what, kind));
                    case INTS -> out.put(same(array(ins, 4, what), what, kind));
                    case BYTES -> out.put(same(array(ins, 1, what), what, kind));
                }
            }
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("the replicas' " + what + " ends early in one of them", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the replicas' " + what + " is not a tagged state stream: " + e.getMessage(), e);
        }
        return out.array();
    }

    private static void writeMean(ByteBuffer[] ins, ByteBuffer out, String what) {
        int length = ins[0].getInt();
        for (int r = 1; r < ins.length; r++) {
            require(ins[r].getInt() == length, what, "the length of an array");
        }
        for (ByteBuffer in : ins) {
            require(length >= 0 && (long) length * 4 <= in.remaining(), what, "the length of an array");
        }
        // Summed in double: the mean of one replica, or of replicas that agree, is then exactly their value.
        double[] sums = new double[length];
        float[] values = new float[length];
        for (ByteBuffer in : ins) {
            in.asFloatBuffer().get(values);
            in.position(in.position() + 4 * length);
            for (int i = 0; i < length; i++) {
                sums[i] += values[i];
            }
        }
        for (int i = 0; i < length; i++) {
            values[i] = (float) (sums[i] / ins.length);
        }
        out.putInt(length);
        out.asFloatBuffer().put(values);
        out.position(out.position() + 4 * length);
    }

    /** @return each replica's next {@code size} bytes */
    private static byte[][] fixed(ByteBuffer[] ins, int size) {
        byte[][] values = new byte[ins.length][size];
        for (int r = 0; r < ins.length; r++) {
            ins[r].get(values[r]);
        }
        return values;
    }

    /** @return each replica's next length-prefixed array of {@code width}-byte values, with its length */
    private static byte[][] array(ByteBuffer[] ins, int width, String what) {
        byte[][] values = new byte[ins.length][];
        for (int r = 0; r < ins.length; r++) {
            int length = ins[r].getInt(ins[r].position());
            require(length >= 0 && 4 + (long) length * width <= ins[r].remaining(), what, "the length of an array");
            values[r] = new byte[4 + length * width];
            ins[r].get(values[r]);
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

package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMMask;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * A training run saved at the end of an epoch, complete enough that resuming gives the same final network, bit for
 * bit, as a run never stopped: every parameter (W, biases), each sparse layer's W~, mask and flags, the optimizer's
 * moments, the SAD tracker's masks and history, and the number of epochs done. The shuffling's random state is
 * not copied out of {@link java.util.SplittableRandom} (whose state is private); it is rebuilt by replaying the
 * seeded shuffles of the epochs done.
 *
 * <p>The file holds a magic text, a version, the run's fingerprint (settings, seed, architecture and data), the
 * state, and a CRC-32 of everything before it. It is written to a temporary file, forced to disk and renamed over
 * the previous one, so a crash mid-write leaves the previous checkpoint whole.
 */
final class TrainingCheckpoint {

    /** The checkpoint's file name in its directory. */
    static final String FILE_NAME = "checkpoint.nmck";
    private static final String MAGIC = "tribuo-nmsparse training checkpoint";
    private static final int VERSION = 1;

    private TrainingCheckpoint() {
    }

    static boolean exists(Path directory) {
        return Files.isRegularFile(directory.resolve(FILE_NAME));
    }

    /**
     * Writes the state after {@code epochsDone} epochs.
     *
     * @throws IOException when the directory cannot be written
     */
    static void write(Path directory, String fingerprint, int epochsDone, TrainingSession session, SadTracker tracker)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(fingerprint);
            out.writeInt(epochsDone);
            out.writeInt(session.network().parameters().size());
            for (Parameter parameter : session.network().parameters()) {
                writeFloats(out, parameter.value, parameter.size());
                writeMoment(out, parameter.hasMoments() ? parameter.firstMoment() : null);
                writeMoment(out, parameter.hasMoments() ? parameter.secondMoment() : null);
            }
            out.writeInt(session.sparseLayers().size());
            for (SparseWeights layer : session.sparseLayers()) {
                writeInts(out, layer.maskInUse().toGroupBits());
                writeFloats(out, layer.maskedWeights(), Math.toIntExact(layer.layout().size()));
                out.writeBoolean(layer.isActive());
                out.writeBoolean(layer.isFrozen());
            }
            for (ConvStage stage : session.network().stages()) {
                if (stage.norm() != null) {
                    writeFloats(out, FloatBuffer.wrap(stage.norm().runningMean), stage.norm().channels);
                    writeFloats(out, FloatBuffer.wrap(stage.norm().runningVariance), stage.norm().channels);
                }
            }
            tracker.write(out);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(crc.getValue());
        }
        Files.createDirectories(directory);
        Path partial = directory.resolve(FILE_NAME + ".partial");
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(partial, directory.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Restores a freshly started session and tracker to the saved state.
     *
     * @return the number of epochs done
     * @throws IOException              when the file is damaged or not a checkpoint
     * @throws IllegalArgumentException when it belongs to another run
     */
    static int restore(Path directory, String fingerprint, TrainingSession session, SadTracker tracker) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < Long.BYTES) {
            throw damaged(file, "it is too short");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - Long.BYTES);
        if (crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - Long.BYTES, Long.BYTES).getLong()) {
            throw damaged(file, "its checksum does not match");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - Long.BYTES))) {
            if (!MAGIC.equals(in.readUTF())) {
                throw damaged(file, "it is not a training checkpoint");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException("checkpoint " + file + " has version " + version + "; this tribuo-nmsparse reads version " + VERSION);
            }
            if (!fingerprint.equals(in.readUTF())) {
                throw new IllegalArgumentException("the checkpoint in " + directory + " was written by another run (other settings, "
                        + "seed, architecture or data); resume with the same trainer and data, or use an empty directory");
            }
            int epochsDone = in.readInt();
            int parameters = in.readInt();
            require(file, parameters == session.network().parameters().size(), "parameter count");
            for (Parameter parameter : session.network().parameters()) {
                readFloats(in, file, parameter.value, parameter.size());
                readMoment(in, file, parameter, true);
                readMoment(in, file, parameter, false);
            }
            require(file, in.readInt() == session.sparseLayers().size(), "sparse layer count");
            for (SparseWeights layer : session.sparseLayers()) {
                NMMask mask;
                try {
                    mask = NMMask.fromGroupBits(layer.layout(), readInts(in, file));
                } catch (IllegalArgumentException e) {
                    throw damaged(file, e.getMessage());
                }
                readFloats(in, file, layer.maskedWeights(), Math.toIntExact(layer.layout().size()));
                layer.restore(mask, in.readBoolean(), in.readBoolean());
            }
            for (ConvStage stage : session.network().stages()) {
                if (stage.norm() != null) {
                    readFloats(in, file, FloatBuffer.wrap(stage.norm().runningMean), stage.norm().channels);
                    readFloats(in, file, FloatBuffer.wrap(stage.norm().runningVariance), stage.norm().channels);
                }
            }
            tracker.read(in, file);
            if (in.available() != 0) {
                throw damaged(file, "it has " + in.available() + " bytes past its end");
            }
            try {
                session.resumeAfter(epochsDone);
            } catch (IllegalArgumentException e) {
                throw damaged(file, e.getMessage());
            }
            return epochsDone;
        } catch (EOFException e) {
            throw damaged(file, "it ends too early");
        }
    }

    /**
     * @return a digest of everything that makes a run what it is: a checkpoint resumes only the run that wrote it
     */
    static String fingerprint(Mlp network, Objective objective, TrainingPlan plan, TrainingData data) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            StringBuilder settings = new StringBuilder();
            settings.append(objective.getClass().getName()).append('|').append(plan.method()).append('|').append(plan.methodSettings()).append('|').append(plan.optimizer().describe())
                    .append('|').append(plan.learningRate()).append('|').append(plan.epochs()).append('|').append(plan.warmupEpochs())
                    .append('|').append(plan.batchSize()).append('|').append(plan.seed()).append('|').append(network.activation());
            network.stages().forEach(stage -> settings.append('|').append(stage.spec()).append(java.util.Arrays.toString(stage.inputShape())));
            for (Layer layer : network.allLayers()) {
                settings.append('|').append(layer.outputs()).append('x').append(layer.inputs())
                        .append(layer.sparse() == null ? "" : layer.sparse().layout().pattern());
            }
            digest.update(settings.toString().getBytes(StandardCharsets.UTF_8));
            ByteBuffer chunk = ByteBuffer.allocate(4 * 65536);
            for (float[] values : new float[][] {data.features(), data.targets()}) {
                for (int start = 0; start < values.length; start += 65536) {
                    int count = Math.min(65536, values.length - start);
                    chunk.clear();
                    chunk.asFloatBuffer().put(values, start, count);
                    chunk.limit(4 * count);
                    digest.update(chunk);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    private static void writeMoment(DataOutputStream out, float[] moment) throws IOException {
        out.writeBoolean(moment != null);
        if (moment != null) {
            writeFloats(out, FloatBuffer.wrap(moment), moment.length);
        }
    }

    private static void readMoment(DataInputStream in, Path file, Parameter parameter, boolean first) throws IOException {
        if (in.readBoolean()) {
            readFloats(in, file, FloatBuffer.wrap(first ? parameter.firstMoment() : parameter.secondMoment()), parameter.size());
        }
    }

    private static void writeFloats(DataOutputStream out, FloatBuffer values, int count) throws IOException {
        out.writeInt(count);
        float[] copy = new float[count];
        values.get(0, copy);
        ByteBuffer bytes = ByteBuffer.allocate(4 * count);
        bytes.asFloatBuffer().put(copy);
        out.write(bytes.array());
    }

    private static void readFloats(DataInputStream in, Path file, FloatBuffer target, int count) throws IOException {
        require(file, in.readInt() == count, "array length");
        byte[] bytes = new byte[4 * count];
        in.readFully(bytes);
        float[] values = new float[count];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
        target.put(0, values);
    }

    static void writeInts(DataOutputStream out, int[] values) throws IOException {
        out.writeInt(values.length);
        for (int v : values) {
            out.writeInt(v);
        }
    }

    static int[] readInts(DataInputStream in, Path file) throws IOException {
        int length = in.readInt();
        require(file, length >= 0 && length <= in.available() / 4, "int array length");
        int[] values = new int[length];
        for (int i = 0; i < length; i++) {
            values[i] = in.readInt();
        }
        return values;
    }

    static void require(Path file, boolean condition, String what) throws IOException {
        if (!condition) {
            throw damaged(file, "its " + what + " does not fit this run");
        }
    }

    private static IOException damaged(Path file, String why) {
        return new IOException("checkpoint " + file + " is damaged: " + why + "; delete it to start the run over");
    }
}

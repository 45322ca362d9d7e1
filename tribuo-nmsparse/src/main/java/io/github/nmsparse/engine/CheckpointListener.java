package io.github.nmsparse.engine;

import io.github.nmsparse.engine.state.NamedState;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.logging.Logger;
import java.util.zip.CRC32;

/**
 * Checkpoints as a listener: at the start it resumes from the checkpoint in its directory, if there is one, and after
 * every few epochs (and the last) it saves the run. It only frames what the run's pieces of state write themselves
 * (see {@link TrainingRun#states()}): a magic text, a version, the run's fingerprint, one named section per piece of
 * state, and a CRC-32 of everything before it. The file is written to a temporary name, forced to disk and renamed over
 * the previous one, so a crash mid-write leaves the previous checkpoint whole. A resumed run ends with the same
 * network and history, bit for bit, as one never stopped (the epochs' wall-clock seconds aside).
 */
final class CheckpointListener implements TrainingListener {

    /** The checkpoint's file name in its directory. */
    static final String FILE_NAME = "checkpoint.nmck";
    private static final String MAGIC = "tribuo-nmsparse training checkpoint";
    /**
     * Version 1 framed a fixed list of fields; version 2 frames the run's named pieces of state; version 3 adds the
     * validation measures to the history's records and whether the run was stopped.
     */
    private static final int VERSION = 3;
    private static final Logger LOGGER = Logger.getLogger(CheckpointListener.class.getName());

    private final CheckpointPolicy policy;

    CheckpointListener(CheckpointPolicy policy) {
        this.policy = policy;
    }

    /** Resumes from the checkpoint in the directory, if any. */
    @Override
    public void onTrainingStart(TrainingRun run) throws IOException {
        Path file = policy.directory().resolve(FILE_NAME);
        if (Files.isRegularFile(file)) {
            restore(file, run);
            LOGGER.info("resumed from the checkpoint in " + policy.directory() + " after epoch " + run.epochsDone() + " of " + run.epochs());
        }
    }

    @Override
    public void onEpochEnd(TrainingRun run) throws IOException {
        int done = run.epochsDone();
        if (done % policy.everyEpochs() == 0 || done == run.epochs() || run.stopped()) {
            write(run);
        }
    }

    private void write(TrainingRun run) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(run.fingerprint());
            List<NamedState> states = run.states();
            out.writeInt(states.size());
            for (NamedState state : states) {
                byte[] section = StateSections.save(state, false);
                out.writeUTF(state.name());
                out.writeInt(section.length);
                out.write(section);
            }
        }
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(crc.getValue());
        }
        Files.createDirectories(policy.directory());
        Path partial = policy.directory().resolve(FILE_NAME + ".partial");
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(partial, policy.directory().resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void restore(Path file, TrainingRun run) throws IOException {
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
                throw new IOException("checkpoint " + file + " has version " + version + "; this tribuo-nmsparse reads version "
                        + VERSION + ": delete it to start the run over");
            }
            if (!run.fingerprint().equals(in.readUTF())) {
                throw new IllegalArgumentException("the checkpoint in " + file.getParent() + " was written by another run (other settings, "
                        + "seed, architecture or data); resume with the same trainer and data, or use an empty directory");
            }
            List<NamedState> states = run.states();
            int sections = in.readInt();
            if (sections != states.size()) {
                throw damaged(file, "it has " + sections + " sections where this run has " + states.size());
            }
            for (NamedState state : states) {
                String name = in.readUTF();
                if (!name.equals(state.name())) {
                    throw damaged(file, "it has section '" + name + "' where this run has '" + state.name() + "'");
                }
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw damaged(file, "section '" + name + "' declares " + length + " bytes");
                }
                try {
                    StateSections.restore(state, in.readNBytes(length), false);
                } catch (IOException e) {
                    throw damaged(file, e.getMessage());
                }
            }
            if (in.available() != 0) {
                throw damaged(file, "it has " + in.available() + " bytes past its end");
            }
        } catch (EOFException e) {
            throw damaged(file, "it ends too early");
        }
    }

    private static IOException damaged(Path file, String why) {
        return new IOException("checkpoint " + file + " is damaged: " + why + "; delete it to start the run over");
    }
}

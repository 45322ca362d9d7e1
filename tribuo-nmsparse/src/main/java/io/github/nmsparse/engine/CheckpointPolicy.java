package io.github.nmsparse.engine;

import java.nio.file.Path;

/**
 * Where and how often training saves its state, so that an interrupted run resumes where it stopped and ends with
 * the network it would have had. A run finds the checkpoint its own earlier attempt left in the directory and
 * resumes from it; a checkpoint of a different run there is refused.
 *
 * @param directory   where the checkpoint file is kept (one file, replaced atomically)
 * @param everyEpochs write after every this many epochs, and after the last
 */
public record CheckpointPolicy(Path directory, int everyEpochs) {

    /** Checks the settings. */
    public CheckpointPolicy {
        if (directory == null) {
            throw new IllegalArgumentException("a checkpoint directory is required");
        }
        if (everyEpochs < 1) {
            throw new IllegalArgumentException("checkpoints are written every 1 or more epochs, got " + everyEpochs);
        }
    }
}

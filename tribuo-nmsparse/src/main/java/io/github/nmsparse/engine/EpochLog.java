package io.github.nmsparse.engine;

import java.util.Locale;
import java.util.logging.Logger;

/** Logs one line per epoch: loss, training accuracy, SAD, flips, learning rate and time. */
final class EpochLog implements TrainingListener {

    private static final Logger LOGGER = Logger.getLogger(EpochLog.class.getName());

    @Override
    public void onEpochEnd(TrainingRun run) {
        EpochRecord r = run.history().get(run.history().size() - 1);
        LOGGER.info(String.format(Locale.ROOT, "epoch %3d/%d  loss %.4f%s  SAD %d (%.3f%%)  flips %d  lr %.2e  %.2f s",
                r.epoch(), run.epochs(), r.loss(),
                Double.isNaN(r.accuracy()) ? "" : String.format(Locale.ROOT, "  acc %.4f", r.accuracy()), r.sad(),
                100 * r.sadFraction(), r.flips(), r.learningRate(), r.seconds()));
    }
}

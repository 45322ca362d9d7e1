package io.github.nmsparse.engine;

import java.util.Locale;
import java.util.logging.Logger;

/** Logs one line per epoch: loss, training accuracy, validation loss and accuracy, SAD, flips, learning rate and time. */
final class EpochLog implements TrainingListener {

    private static final Logger LOGGER = Logger.getLogger(EpochLog.class.getName());

    @Override
    public void onEpochEnd(TrainingRun run) {
        EpochRecord r = run.history().get(run.history().size() - 1);
        LOGGER.info(String.format(Locale.ROOT, "epoch %3d/%d  loss %.4f%s%s%s  SAD %d (%.3f%%)  flips %d  lr %.2e  %.2f s",
                r.epoch(), run.epochs(), r.loss(), measure("acc", r.accuracy()), measure("val loss", r.validationLoss()),
                measure("val acc", r.validationAccuracy()), r.sad(),
                100 * r.sadFraction(), r.flips(), r.learningRate(), r.seconds()));
    }

    /** @return the measure, named, or nothing when it was not measured */
    private static String measure(String name, double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "  %s %.4f", name, value);
    }
}

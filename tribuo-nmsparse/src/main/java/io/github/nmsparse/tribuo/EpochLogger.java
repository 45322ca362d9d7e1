package io.github.nmsparse.tribuo;

import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.engine.TrainingListener;

import java.util.Locale;
import java.util.logging.Logger;

/** Logs one line per epoch: loss, SAD, flips, learning rate and time. */
final class EpochLogger implements TrainingListener {

    private static final Logger logger = Logger.getLogger(NMSparseTrainer.class.getName());

    @Override
    public void onEpochEnd(EpochRecord r, int epochs) {
        logger.info(String.format(Locale.ROOT, "epoch %3d/%d  loss %.4f%s  SAD %d (%.3f%%)  flips %d  lr %.2e  %.2f s",
                r.epoch(), epochs, r.loss(),
                Double.isNaN(r.accuracy()) ? "" : String.format(Locale.ROOT, "  acc %.4f", r.accuracy()), r.sad(), 100 * r.sadFraction(), r.flips(), r.learningRate(), r.seconds()));
    }
}

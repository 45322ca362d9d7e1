package io.github.nmsparse.engine;

import java.util.List;

/**
 * What one epoch of training did to the loss and to the sparse architecture. SAD (Sparse Architecture
 * Divergence) counts weights whose kept/pruned state differs between two masks; an epoch's mask is the N:M mask
 * of the weights at its end (the fixed mask under ASP).
 *
 * <p>A record is written and read field by field through {@link #writeTo} and {@link #readFrom}, the one codec that
 * the model's provenance, checkpoints and experiment results all use: a new measure is a new component here and
 * one line in each of those two methods.
 *
 * @param epoch             the epoch, from 1
 * @param loss              the mean training loss over the epoch
 * @param accuracy          the share of correct decisions on the training batches as they were seen during the
 *                          epoch (before each batch's update); NaN for regression
 * @param validationLoss    the mean loss on the validation hold-out after the epoch, with the network as it predicts
 *                          (batch normalization on its running statistics); NaN when there is no hold-out
 * @param validationAccuracy the share of correct decisions on the validation hold-out after the epoch; NaN when there
 *                          is no hold-out, and for regression
 * @param learningRate      the learning rate of the epoch's last step
 * @param sad               SAD against the previous epoch's mask (the initial mask for epoch 1), all sparse layers
 * @param sadFraction       {@code sad} over the number of maskable weights
 * @param sadToInitial      SAD against the mask at initialization
 * @param sadToFinal        SAD against the mask at the end of training
 * @param flips             kept/pruned changes summed over every step of the epoch (step-level churn)
 * @param layerSad          {@code sad} per sparse layer, input side first
 * @param layerSadToInitial {@code sadToInitial} per sparse layer
 * @param layerSadToFinal   {@code sadToFinal} per sparse layer
 * @param layerFlips        {@code flips} per sparse layer
 * @param seconds           wall-clock time of the epoch
 */
public record EpochRecord(int epoch, double loss, double accuracy, double validationLoss, double validationAccuracy, double learningRate, long sad, double sadFraction, long sadToInitial,
                          long sadToFinal, long flips, List<Long> layerSad, List<Long> layerSadToInitial,
                          List<Long> layerSadToFinal, List<Long> layerFlips, double seconds) {

    /** The name of the wall-clock field, which differs between identical runs and is kept apart where that matters. */
    public static final String SECONDS = "seconds";

    /** Copies the lists. */
    public EpochRecord {
        layerSad = List.copyOf(layerSad);
        layerSadToInitial = List.copyOf(layerSadToInitial);
        layerSadToFinal = List.copyOf(layerSadToFinal);
        layerFlips = List.copyOf(layerFlips);
    }

    /**
     * @return an epoch's record before anything measured its masks: losses, accuracies, learning rate and time only
     */
    static EpochRecord of(int epoch, double loss, double accuracy, double validationLoss, double validationAccuracy,
                          double learningRate, double seconds) {
        return new EpochRecord(epoch, loss, accuracy, validationLoss, validationAccuracy, learningRate, 0, 0, 0, 0, 0, List.of(), List.of(), List.of(), List.of(), seconds);
    }

    /** @return this record with the SAD measures of its epoch (against the final mask still to come) */
    EpochRecord withSad(long sad, double sadFraction, long sadToInitial, long flips, List<Long> layerSad, List<Long> layerSadToInitial,
                        List<Long> layerFlips) {
        return new EpochRecord(epoch, loss, accuracy, validationLoss, validationAccuracy, learningRate, sad, sadFraction, sadToInitial, sadToFinal, flips, layerSad,
                layerSadToInitial, layerSadToFinal, layerFlips, seconds);
    }

    /** @return this record with SAD against the final mask, per layer and in all */
    EpochRecord withSadToFinal(List<Long> perLayer) {
        return new EpochRecord(epoch, loss, accuracy, validationLoss, validationAccuracy, learningRate, sad, sadFraction, sadToInitial,
                perLayer.stream().mapToLong(Long::longValue).sum(), flips, layerSad, layerSadToInitial, perLayer,
                layerFlips, seconds);
    }

    /** @return this record with its wall-clock time set to 0, for comparing runs that differ only in timing */
    public EpochRecord withoutTime() {
        return new EpochRecord(epoch, loss, accuracy, validationLoss, validationAccuracy, learningRate, sad, sadFraction, sadToInitial, sadToFinal, flips, layerSad,
                layerSadToInitial, layerSadToFinal, layerFlips, 0);
    }

    /**
     * Writes every field, by name, in a fixed order.
     *
     * @param sink where the fields go
     * @throws Exception what the sink throws
     */
    public <E extends Exception> void writeTo(Sink<E> sink) throws E {
        sink.putInt("epoch", epoch);
        sink.putDouble("loss", loss);
        sink.putDouble("accuracy", accuracy);
        sink.putDouble("validationLoss", validationLoss);
        sink.putDouble("validationAccuracy", validationAccuracy);
        sink.putDouble("learningRate", learningRate);
        sink.putLong("sad", sad);
        sink.putDouble("sadFraction", sadFraction);
        sink.putLong("sadToInitial", sadToInitial);
        sink.putLong("sadToFinal", sadToFinal);
        sink.putLong("flips", flips);
        sink.putLongs("layerSad", layerSad);
        sink.putLongs("layerSadToInitial", layerSadToInitial);
        sink.putLongs("layerSadToFinal", layerSadToFinal);
        sink.putLongs("layerFlips", layerFlips);
        sink.putDouble(SECONDS, seconds);
    }

    /**
     * Reads every field, by name, in the order {@link #writeTo} writes them.
     *
     * @param source where the fields come from
     * @return the record
     * @throws Exception what the source throws, e.g. for a missing field
     */
    public static <E extends Exception> EpochRecord readFrom(Source<E> source) throws E {
        return new EpochRecord(source.getInt("epoch"), source.getDouble("loss"), source.getDouble("accuracy"),
                source.getDouble("validationLoss"), source.getDouble("validationAccuracy"), source.getDouble("learningRate"), source.getLong("sad"), source.getDouble("sadFraction"),
                source.getLong("sadToInitial"), source.getLong("sadToFinal"), source.getLong("flips"),
                source.getLongs("layerSad"), source.getLongs("layerSadToInitial"), source.getLongs("layerSadToFinal"),
                source.getLongs("layerFlips"), source.getDouble(SECONDS));
    }

    /**
     * Where {@link #writeTo} writes a record's fields.
     *
     * @param <E> what writing may throw
     */
    public interface Sink<E extends Exception> {
        /** @param name the field @param value its value */
        void putInt(String name, int value) throws E;

        /** @param name the field @param value its value */
        void putLong(String name, long value) throws E;

        /** @param name the field @param value its value */
        void putDouble(String name, double value) throws E;

        /** @param name the field @param values its values, one per sparse layer */
        void putLongs(String name, List<Long> values) throws E;
    }

    /**
     * Where {@link #readFrom} reads a record's fields.
     *
     * @param <E> what reading may throw
     */
    public interface Source<E extends Exception> {
        /** @param name the field @return its value */
        int getInt(String name) throws E;

        /** @param name the field @return its value */
        long getLong(String name) throws E;

        /** @param name the field @return its value */
        double getDouble(String name) throws E;

        /** @param name the field @return its values, one per sparse layer */
        List<Long> getLongs(String name) throws E;
    }
}

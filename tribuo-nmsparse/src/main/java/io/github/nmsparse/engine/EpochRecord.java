package io.github.nmsparse.engine;

import java.util.List;

/**
 * What one epoch of training did to the loss and to the sparse architecture. SAD (Sparse Architecture
 * Divergence) counts weights whose kept/pruned state differs between two masks; an epoch's mask is the N:M mask
 * of the weights at its end (the fixed mask under ASP).
 *
 * @param epoch        the epoch, from 1
 * @param loss         the mean training loss over the epoch
 * @param accuracy     the share of correct decisions on the training batches as they were seen during the epoch
 *                     (before each batch's update); NaN for regression
 * @param learningRate the learning rate of the epoch's last step
 * @param sad          SAD against the previous epoch's mask (the initial mask for epoch 1), all sparse layers
 * @param sadFraction  {@code sad} over the number of maskable weights
 * @param sadToInitial SAD against the mask at initialization
 * @param sadToFinal   SAD against the mask at the end of training
 * @param flips        kept/pruned changes summed over every step of the epoch (step-level churn)
 * @param layerSad     {@code sad} per sparse layer, input side first
 * @param layerSadToInitial {@code sadToInitial} per sparse layer
 * @param layerSadToFinal   {@code sadToFinal} per sparse layer
 * @param layerFlips   {@code flips} per sparse layer
 * @param seconds      wall-clock time of the epoch
 */
public record EpochRecord(int epoch, double loss, double accuracy, double learningRate, long sad, double sadFraction, long sadToInitial,
                          long sadToFinal, long flips, List<Long> layerSad, List<Long> layerSadToInitial,
                          List<Long> layerSadToFinal, List<Long> layerFlips, double seconds) {

    /** Copies the lists. */
    public EpochRecord {
        layerSad = List.copyOf(layerSad);
        layerSadToInitial = List.copyOf(layerSadToInitial);
        layerSadToFinal = List.copyOf(layerSadToFinal);
        layerFlips = List.copyOf(layerFlips);
    }

    EpochRecord withSadToFinal(List<Long> perLayer) {
        return new EpochRecord(epoch, loss, accuracy, learningRate, sad, sadFraction, sadToInitial,
                perLayer.stream().mapToLong(Long::longValue).sum(), flips, layerSad, layerSadToInitial, perLayer,
                layerFlips, seconds);
    }

    /** @return this record with its wall-clock time set to 0, for comparing runs that differ only in timing */
    public EpochRecord withoutTime() {
        return new EpochRecord(epoch, loss, accuracy, learningRate, sad, sadFraction, sadToInitial, sadToFinal, flips, layerSad,
                layerSadToInitial, layerSadToFinal, layerFlips, 0);
    }
}

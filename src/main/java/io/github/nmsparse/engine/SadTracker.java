package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMMask;

import java.util.ArrayList;
import java.util.List;

/** Measures Sparse Architecture Divergence at the end of each epoch (SPEC section 3). */
final class SadTracker {

    private final List<SparseWeights> layers;
    private final List<NMMask> initial = new ArrayList<>();
    private final List<List<NMMask>> epochMasks = new ArrayList<>();
    private final List<EpochRecord> records = new ArrayList<>();
    private final long maskable;
    private List<NMMask> previous;

    SadTracker(List<SparseWeights> layers) {
        this.layers = layers;
        long count = 0;
        for (SparseWeights layer : layers) {
            initial.add(layer.currentMask());
            count += layer.layout().size();
        }
        this.maskable = count;
        this.previous = initial;
    }

    EpochRecord epochEnd(int epoch, double loss, double accuracy, double learningRate, double seconds) {
        List<NMMask> current = new ArrayList<>();
        List<Long> layerSad = new ArrayList<>();
        List<Long> layerToInitial = new ArrayList<>();
        List<Long> layerFlips = new ArrayList<>();
        long sad = 0;
        long toInitial = 0;
        long flips = 0;
        for (int i = 0; i < layers.size(); i++) {
            NMMask mask = layers.get(i).currentMask();
            current.add(mask);
            long layerDivergence = mask.divergence(previous.get(i));
            long layerFlip = layers.get(i).takeFlips();
            layerSad.add(layerDivergence);
            layerFlips.add(layerFlip);
            sad += layerDivergence;
            flips += layerFlip;
            long layerInitial = mask.divergence(initial.get(i));
            layerToInitial.add(layerInitial);
            toInitial += layerInitial;
        }
        previous = current;
        epochMasks.add(current);
        EpochRecord record = new EpochRecord(epoch, loss, accuracy, learningRate, sad, maskable == 0 ? 0.0 : (double) sad / maskable,
                toInitial, 0, flips, layerSad, layerToInitial, List.of(), layerFlips, seconds);
        records.add(record);
        return record;
    }

    /** @return the records of every epoch, with SAD against the final mask filled in */
    List<EpochRecord> finish() {
        List<EpochRecord> done = new ArrayList<>();
        for (int e = 0; e < records.size(); e++) {
            List<Long> toFinal = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                toFinal.add(epochMasks.get(e).get(i).divergence(previous.get(i)));
            }
            done.add(records.get(e).withSadToFinal(toFinal));
        }
        return done;
    }
}

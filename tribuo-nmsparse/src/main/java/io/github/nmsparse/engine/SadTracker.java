package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMMask;
import io.github.nmsparse.engine.network.SparseWeights;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;
import io.github.nmsparse.engine.state.TrainingState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures Sparse Architecture Divergence (SPEC section 3) as a listener: at each epoch's end, SAD against the previous
 * epoch's mask and against the initial one, and the step-level flips; at the end, each epoch's SAD against the final
 * mask. The masks it compares against are its state, saved in checkpoints.
 */
final class SadTracker implements TrainingListener, TrainingState {

    private final List<SparseWeights> layers;
    private final long maskable;
    private List<NMMask> initial = new ArrayList<>();
    private List<NMMask> previous;
    private final List<List<NMMask>> epochMasks = new ArrayList<>();

    SadTracker(List<SparseWeights> layers) {
        this.layers = List.copyOf(layers);
        this.maskable = layers.stream().mapToLong(layer -> layer.layout().size()).sum();
    }

    @Override
    public void onTrainingStart(TrainingRun run) {
        initial = currentMasks();
        previous = initial;
    }

    private List<NMMask> currentMasks() {
        return layers.stream().map(SparseWeights::currentMask).toList();
    }

    @Override
    public void onEpochEnd(TrainingRun run) {
        List<NMMask> current = currentMasks();
        List<Long> layerSad = new ArrayList<>();
        List<Long> layerToInitial = new ArrayList<>();
        List<Long> layerFlips = new ArrayList<>();
        long sad = 0;
        long toInitial = 0;
        long flips = 0;
        for (int i = 0; i < layers.size(); i++) {
            NMMask mask = current.get(i);
            long layerDivergence = mask.divergence(previous.get(i));
            long layerFlip = layers.get(i).takeFlips();
            long layerInitial = mask.divergence(initial.get(i));
            layerSad.add(layerDivergence);
            layerFlips.add(layerFlip);
            layerToInitial.add(layerInitial);
            sad += layerDivergence;
            flips += layerFlip;
            toInitial += layerInitial;
        }
        previous = current;
        epochMasks.add(current);
        long total = sad;
        long initialTotal = toInitial;
        long flipTotal = flips;
        run.amendLastEpoch(r -> r.withSad(total, maskable == 0 ? 0.0 : (double) total / maskable, initialTotal, flipTotal, layerSad,
                layerToInitial, layerFlips));
    }

    /** Fills in each epoch's SAD against the mask training ended with. */
    @Override
    public void onTrainingEnd(TrainingRun run) {
        List<EpochRecord> history = run.history();
        List<EpochRecord> done = new ArrayList<>();
        for (int e = 0; e < history.size(); e++) {
            List<Long> toFinal = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                toFinal.add(epochMasks.get(e).get(i).divergence(previous.get(i)));
            }
            done.add(history.get(e).withSadToFinal(toFinal));
        }
        run.amendEveryEpoch(done);
    }

    @Override
    public void save(StateOutput out) throws IOException {
        writeMasks(out, initial);
        writeMasks(out, previous);
        out.writeInt(epochMasks.size());
        for (List<NMMask> masks : epochMasks) {
            writeMasks(out, masks);
        }
    }

    @Override
    public void restore(StateInput in) throws IOException {
        List<NMMask> savedInitial = readMasks(in);
        List<NMMask> savedPrevious = readMasks(in);
        int epochs = in.readInt();
        in.require(epochs >= 0 && epochs <= 1 << 20, "the number of epochs with masks, " + epochs);
        List<List<NMMask>> savedEpochs = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            savedEpochs.add(readMasks(in));
        }
        initial = savedInitial;
        previous = savedPrevious;
        epochMasks.clear();
        epochMasks.addAll(savedEpochs);
    }

    private static void writeMasks(StateOutput out, List<NMMask> masks) throws IOException {
        out.writeInt(masks.size());
        for (NMMask mask : masks) {
            out.writeMask(mask);
        }
    }

    private List<NMMask> readMasks(StateInput in) throws IOException {
        in.require(in.readInt() == layers.size(), "the number of sparse layers' masks");
        List<NMMask> masks = new ArrayList<>();
        for (SparseWeights layer : layers) {
            masks.add(in.readMask(layer.layout(), "a saved mask"));
        }
        return masks;
    }
}

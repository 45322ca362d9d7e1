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

    /** Saves the tracker's masks and records, for a checkpoint. */
    void write(java.io.DataOutputStream out) throws java.io.IOException {
        writeMasks(out, initial);
        writeMasks(out, previous);
        out.writeInt(epochMasks.size());
        for (List<NMMask> masks : epochMasks) {
            writeMasks(out, masks);
        }
        out.writeInt(records.size());
        for (EpochRecord r : records) {
            out.writeInt(r.epoch());
            out.writeDouble(r.loss());
            out.writeDouble(r.accuracy());
            out.writeDouble(r.learningRate());
            out.writeLong(r.sad());
            out.writeDouble(r.sadFraction());
            out.writeLong(r.sadToInitial());
            out.writeLong(r.flips());
            writeLongs(out, r.layerSad());
            writeLongs(out, r.layerSadToInitial());
            writeLongs(out, r.layerFlips());
            out.writeDouble(r.seconds());
        }
    }

    /** Restores what {@link #write} saved into a tracker of the same layers. */
    void read(java.io.DataInputStream in, java.nio.file.Path file) throws java.io.IOException {
        List<NMMask> savedInitial = readMasks(in, file);
        List<NMMask> savedPrevious = readMasks(in, file);
        int epochs = in.readInt();
        TrainingCheckpoint.require(file, epochs >= 0 && epochs <= in.available(), "epoch count");
        List<List<NMMask>> savedEpochs = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            savedEpochs.add(readMasks(in, file));
        }
        int count = in.readInt();
        TrainingCheckpoint.require(file, count == epochs, "record count");
        List<EpochRecord> savedRecords = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            savedRecords.add(new EpochRecord(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(), in.readLong(),
                    in.readDouble(), in.readLong(), 0, in.readLong(), readLongs(in, file), readLongs(in, file), List.of(),
                    readLongs(in, file), in.readDouble()));
        }
        initial.clear();
        initial.addAll(savedInitial);
        previous = savedPrevious;
        epochMasks.clear();
        epochMasks.addAll(savedEpochs);
        records.clear();
        records.addAll(savedRecords);
    }

    private void writeMasks(java.io.DataOutputStream out, List<NMMask> masks) throws java.io.IOException {
        out.writeInt(masks.size());
        for (NMMask mask : masks) {
            TrainingCheckpoint.writeInts(out, mask.toGroupBits());
        }
    }

    private List<NMMask> readMasks(java.io.DataInputStream in, java.nio.file.Path file) throws java.io.IOException {
        int count = in.readInt();
        TrainingCheckpoint.require(file, count == layers.size(), "mask count");
        List<NMMask> masks = new ArrayList<>();
        for (SparseWeights layer : layers) {
            try {
                masks.add(NMMask.fromGroupBits(layer.layout(), TrainingCheckpoint.readInts(in, file)));
            } catch (IllegalArgumentException e) {
                throw new java.io.IOException("checkpoint " + file + " is damaged: " + e.getMessage(), e);
            }
        }
        return masks;
    }

    private static void writeLongs(java.io.DataOutputStream out, List<Long> values) throws java.io.IOException {
        out.writeInt(values.size());
        for (long v : values) {
            out.writeLong(v);
        }
    }

    private static List<Long> readLongs(java.io.DataInputStream in, java.nio.file.Path file) throws java.io.IOException {
        int size = in.readInt();
        TrainingCheckpoint.require(file, size >= 0 && size <= in.available() / 8, "list length");
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            values.add(in.readLong());
        }
        return values;
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

package io.github.nmsparse.report;

import io.github.nmsparse.core.NMValidity;
import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.engine.network.LayerWeights;
import io.github.nmsparse.tribuo.NMSparseModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of one trained model: loss and accuracy per epoch, SAD per epoch (global and per layer), step-level
 * flips, a per-layer table of sparsity and N:M validity, and a picture of the mask of each sparse layer's first
 * rows.
 */
public final class ModelReport {

    /** Rows and columns of the mask pictures: enough to see the N:M groups, few enough to see single weights. */
    static final int MASK_ROWS = 64;
    static final int MASK_COLUMNS = 128;

    private ModelReport() {
    }

    /**
     * Writes the report.
     *
     * @param model     a trained model
     * @param name      what to call it in the title, such as its file name
     * @param directory where index.html and the PNGs go
     * @return the page
     * @throws IOException when the files cannot be written
     */
    public static Path write(NMSparseModel<?> model, String name, Path directory) throws IOException {
        return page(model, name).write(directory);
    }

    static HtmlPage page(NMSparseModel<?> model, String name) {
        System.setProperty("java.awt.headless", "true");
        List<EpochRecord> history = model.history();
        List<LayerWeights> layers = model.snapshot().layers();
        List<Integer> sparse = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).sparse()) {
                sparse.add(i);
            }
        }
        HtmlPage page = new HtmlPage("tribuo-nmsparse model report: " + name);
        page.paragraph(String.format(Locale.ROOT, "%d epochs; %d layers, %d of them N:M-sparse. Loss and accuracy are the "
                + "training figures of each epoch, as seen during it.", history.size(), layers.size(), sparse.size()));

        page.heading("Training");
        Map<String, double[]> losses = new LinkedHashMap<>();
        losses.put("training", values(history, EpochRecord::loss));
        Map<String, double[]> accuracies = new LinkedHashMap<>();
        accuracies.put("training", values(history, r -> 100 * r.accuracy()));
        if (history.stream().anyMatch(r -> !Double.isNaN(r.validationLoss()))) {
            losses.put("validation hold-out", values(history, EpochRecord::validationLoss));
            accuracies.put("validation hold-out", values(history, r -> 100 * r.validationAccuracy()));
        }
        page.picture("loss.png", Charts.png(Charts.perEpoch("Loss", "mean loss", losses), Charts.WIDTH, Charts.HEIGHT),
                "Mean loss per epoch: training (as seen during the epoch) and, with a hold-out, validation (after it).");
        if (accuracies.values().stream().flatMapToDouble(java.util.Arrays::stream).anyMatch(Double::isFinite)) {
            page.picture("accuracy.png", Charts.png(Charts.perEpoch("Accuracy", "accuracy (%)", accuracies), Charts.WIDTH, Charts.HEIGHT),
                    "Accuracy per epoch: training and, with a hold-out, validation.");
        }

        if (!sparse.isEmpty()) {
            page.heading("Sparse architecture");
            Map<String, double[]> sad = new LinkedHashMap<>();
            sad.put("all sparse layers", values(history, r -> 100 * r.sadFraction()));
            Map<String, double[]> flips = new LinkedHashMap<>();
            flips.put("all sparse layers", values(history, r -> r.flips()));
            for (int k = 0; k < sparse.size(); k++) {
                LayerWeights layer = layers.get(sparse.get(k));
                double size = (double) layer.inputs() * layer.outputs();
                int index = k;
                String label = "layer " + sparse.get(k) + " (" + layer.outputs() + "x" + layer.inputs() + ")";
                sad.put(label, values(history, r -> index < r.layerSad().size() ? 100 * r.layerSad().get(index) / size : Double.NaN));
                flips.put(label, values(history, r -> index < r.layerFlips().size() ? r.layerFlips().get(index) : Double.NaN));
            }
            page.picture("sad.png", Charts.png(Charts.perEpoch("Sparse Architecture Divergence per epoch",
                    "SAD (% of maskable weights, log scale)", sad, true), Charts.WIDTH, Charts.HEIGHT), "SAD: the share of "
                    + "weights whose kept/pruned state changed since the previous epoch's end (epoch 1: since initialization), "
                    + "globally and per sparse layer (log scale; epochs with a SAD of 0 are not drawn).");
            page.picture("flips.png", Charts.png(Charts.perEpoch("Step-level mask flips per epoch", "flips", flips),
                    Charts.WIDTH, Charts.HEIGHT), "Kept/pruned changes summed over every step of the epoch (a weight that "
                    + "flips out and back counts twice).");
        }

        page.heading("Layers");
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerWeights layer = layers.get(i);
            NMValidity validity = layer.validity();
            rows.add(List.of(Integer.toString(i), layer.outputs() + "x" + layer.inputs(),
                    layer.sparse() ? layer.pattern().toString() : "dense",
                    String.format(Locale.ROOT, "%.4f", validity.density()),
                    String.format(Locale.ROOT, "%.4f", 1 - validity.density()), Long.toString(validity.nonZeros()),
                    layer.sparse() ? (validity.isValid() ? "yes" : "NO (" + validity.violatingGroups() + " groups)") : "-"));
        }
        page.table(List.of("layer", "shape", "pattern", "density", "sparsity", "non-zeros", "N:M valid"), rows);

        for (int index : sparse) {
            LayerWeights layer = layers.get(index);
            boolean[][] kept = maskOf(layer);
            int shownRows = kept.length;
            int shownCols = kept[0].length;
            page.picture("mask-layer" + index + ".png", Charts.png(Charts.mask(String.format(Locale.ROOT,
                    "Layer %d mask (%s): first %d rows, first %d inputs", index, layer.pattern(), shownRows, shownCols), kept),
                    Charts.WIDTH + 160, Charts.HEIGHT + 40), "Dark: non-zero weight. Each row keeps at most "
                    + layer.pattern().n() + " in every " + layer.pattern().m() + " consecutive inputs.");
        }
        return page;
    }

    /** @return which weights of the layer's first {@link #MASK_ROWS} rows and {@link #MASK_COLUMNS} inputs are non-zero */
    static boolean[][] maskOf(LayerWeights layer) {
        int rows = Math.min(MASK_ROWS, layer.outputs());
        int cols = Math.min(MASK_COLUMNS, layer.inputs());
        float[] weights = layer.weights();
        boolean[][] kept = new boolean[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                kept[r][c] = weights[r * layer.inputs() + c] != 0f;
            }
        }
        return kept;
    }

    private static double[] values(List<EpochRecord> history, java.util.function.ToDoubleFunction<EpochRecord> value) {
        return history.stream().mapToDouble(value).toArray();
    }
}

package io.github.nmsparse.cli;

import io.github.nmsparse.core.NMValidity;
import io.github.nmsparse.engine.network.LayerWeights;
import io.github.nmsparse.tribuo.NMSparseModel;

import java.util.List;
import java.util.Locale;

/** A per-layer table of shape, pattern, density and N:M validity: "is my model really 2:4?". */
final class LayerTable {

    private LayerTable() {
    }

    static String of(NMSparseModel<?> model) {
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%-6s %-12s %-8s %9s %10s %s%n", "layer", "shape", "pattern", "density",
                "non-zeros", "N:M valid"));
        List<LayerWeights> layers = model.snapshot().layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerWeights layer = layers.get(i);
            NMValidity validity = layer.validity();
            table.append(String.format(Locale.ROOT, "%-6d %-12s %-8s %9.4f %10d %s%n", i, layer.outputs() + "x" + layer.inputs(),
                    layer.sparse() ? layer.pattern() : "dense", validity.density(), validity.nonZeros(),
                    layer.sparse() ? (validity.isValid() ? "yes" : "NO (" + validity.violatingGroups() + " groups)") : "-"));
        }
        return table.toString();
    }
}

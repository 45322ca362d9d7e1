package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.MapProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.BooleanProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.DoubleProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.LongProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import io.github.nmsparse.core.NMValidity;
import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.engine.Nd4jRuntime;
import io.github.nmsparse.engine.NetworkSnapshot;
import org.tribuo.provenance.ModelProvenance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run facts this plugin adds to a model's provenance, and how to read them back. Deterministic facts (the
 * per-epoch history and the layers) are kept apart from machine facts (backend, wall-clock times), which differ
 * between otherwise identical runs.
 */
public final class SparsityProvenance {

    /** Per-epoch loss, SAD and flips: a list of maps. */
    public static final String HISTORY = "nmsparse.history";
    /** Per-layer shape, pattern, density and N:M validity: a list of maps. */
    public static final String LAYERS = "nmsparse.layers";
    /** ND4J backend, version, BLAS vendor and thread settings: a map. */
    public static final String BACKEND = "nmsparse.backend";
    /** Wall-clock seconds of each epoch: a list. */
    public static final String TIMING = "nmsparse.timing";

    private SparsityProvenance() {
    }

    static Map<String, Provenance> runProvenance(List<EpochRecord> history, NetworkSnapshot snapshot,
                                                 Nd4jRuntime.BackendInfo backend) {
        Map<String, Provenance> run = new LinkedHashMap<>();
        List<MapProvenance<Provenance>> epochs = new ArrayList<>();
        List<DoubleProvenance> seconds = new ArrayList<>();
        for (EpochRecord r : history) {
            Map<String, Provenance> entry = new LinkedHashMap<>();
            entry.put("epoch", new IntProvenance("epoch", r.epoch()));
            entry.put("loss", new DoubleProvenance("loss", r.loss()));
            entry.put("accuracy", new DoubleProvenance("accuracy", r.accuracy()));
            entry.put("learningRate", new DoubleProvenance("learningRate", r.learningRate()));
            entry.put("sad", new LongProvenance("sad", r.sad()));
            entry.put("sadFraction", new DoubleProvenance("sadFraction", r.sadFraction()));
            entry.put("sadToInitial", new LongProvenance("sadToInitial", r.sadToInitial()));
            entry.put("sadToFinal", new LongProvenance("sadToFinal", r.sadToFinal()));
            entry.put("flips", new LongProvenance("flips", r.flips()));
            entry.put("layerSad", longs("layerSad", r.layerSad()));
            entry.put("layerSadToInitial", longs("layerSadToInitial", r.layerSadToInitial()));
            entry.put("layerSadToFinal", longs("layerSadToFinal", r.layerSadToFinal()));
            entry.put("layerFlips", longs("layerFlips", r.layerFlips()));
            epochs.add(new MapProvenance<>(entry));
            seconds.add(new DoubleProvenance("seconds", r.seconds()));
        }
        run.put(HISTORY, new ListProvenance<>(epochs));
        List<MapProvenance<Provenance>> layers = new ArrayList<>();
        for (NetworkSnapshot.LayerSnapshot layer : snapshot.layers()) {
            NMValidity validity = layer.validity();
            Map<String, Provenance> entry = new LinkedHashMap<>();
            entry.put("shape", new StringProvenance("shape", layer.outputs() + "x" + layer.inputs()));
            entry.put("sparse", new BooleanProvenance("sparse", layer.sparse()));
            entry.put("pattern", new StringProvenance("pattern", layer.sparse() ? layer.pattern().toString() : "dense"));
            entry.put("density", new DoubleProvenance("density", validity.density()));
            entry.put("nmValid", new BooleanProvenance("nmValid", validity.isValid()));
            layers.add(new MapProvenance<>(entry));
        }
        run.put(LAYERS, new ListProvenance<>(layers));
        Map<String, Provenance> machine = new LinkedHashMap<>();
        machine.put("backend", new StringProvenance("backend", backend.backend()));
        machine.put("version", new StringProvenance("version", backend.version()));
        machine.put("blasVendor", new StringProvenance("blasVendor", backend.blasVendor()));
        machine.put("blasThreads", new IntProvenance("blasThreads", backend.blasThreads()));
        machine.put("ompThreads", new IntProvenance("ompThreads", backend.ompThreads()));
        machine.put("masterThreads", new IntProvenance("masterThreads", backend.masterThreads()));
        run.put(BACKEND, new MapProvenance<>(machine));
        run.put(TIMING, new ListProvenance<>(seconds));
        return run;
    }

    private static ListProvenance<LongProvenance> longs(String key, List<Long> values) {
        List<LongProvenance> list = new ArrayList<>();
        for (Long value : values) {
            list.add(new LongProvenance(key, value));
        }
        return new ListProvenance<>(list);
    }

    /**
     * Reads the per-epoch history back from a model's provenance.
     *
     * @param provenance the model's provenance
     * @return one record per epoch
     * @throws IllegalArgumentException when the provenance holds no history of this plugin
     */
    public static List<EpochRecord> history(ModelProvenance provenance) {
        List<EpochRecord> records = new ArrayList<>();
        List<Map<String, Provenance>> entries = listOfMaps(provenance, HISTORY);
        List<Provenance> seconds = list(provenance.getInstanceProvenance().getMap().get(TIMING), TIMING);
        for (int i = 0; i < entries.size(); i++) {
            Map<String, Provenance> e = entries.get(i);
            records.add(new EpochRecord(((Number) value(e, "epoch")).intValue(), (Double) value(e, "loss"),
                    e.containsKey("accuracy") ? (Double) value(e, "accuracy") : Double.NaN,
                    (Double) value(e, "learningRate"), (Long) value(e, "sad"), (Double) value(e, "sadFraction"),
                    (Long) value(e, "sadToInitial"), (Long) value(e, "sadToFinal"), (Long) value(e, "flips"),
                    longList(e.get("layerSad")), longList(e.get("layerSadToInitial")), longList(e.get("layerSadToFinal")),
                    longList(e.get("layerFlips")),
                    i < seconds.size() ? (Double) ((PrimitiveProvenance<?>) seconds.get(i)).getValue() : 0.0));
        }
        return records;
    }

    /**
     * Reads the per-layer facts back from a model's provenance.
     *
     * @param provenance the model's provenance
     * @return for each layer, input side first, its facts by name (shape, sparse, pattern, density, nmValid)
     */
    public static List<Map<String, Object>> layers(ModelProvenance provenance) {
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Map<String, Provenance> entry : listOfMaps(provenance, LAYERS)) {
            Map<String, Object> facts = new LinkedHashMap<>();
            entry.forEach((key, value) -> facts.put(key, ((PrimitiveProvenance<?>) value).getValue()));
            layers.add(facts);
        }
        return layers;
    }

    /**
     * Reads the backend facts back from a model's provenance.
     *
     * @param provenance the model's provenance
     * @return the backend facts by name
     */
    public static Map<String, Object> backend(ModelProvenance provenance) {
        Provenance found = provenance.getInstanceProvenance().getMap().get(BACKEND);
        if (!(found instanceof MapProvenance<?> map)) {
            throw new IllegalArgumentException("the model's provenance has no '" + BACKEND + "' entry");
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        map.getMap().forEach((key, value) -> facts.put(key, ((PrimitiveProvenance<?>) value).getValue()));
        return facts;
    }

    private static List<Map<String, Provenance>> listOfMaps(ModelProvenance provenance, String key) {
        Provenance found = provenance.getInstanceProvenance().getMap().get(key);
        List<Map<String, Provenance>> maps = new ArrayList<>();
        for (Provenance item : list(found, key)) {
            if (!(item instanceof MapProvenance<?> map)) {
                throw new IllegalArgumentException("'" + key + "' in the provenance is not a list of maps");
            }
            maps.add(new LinkedHashMap<>(map.getMap()));
        }
        return maps;
    }

    private static List<Provenance> list(Provenance found, String key) {
        if (!(found instanceof ListProvenance<?> list)) {
            throw new IllegalArgumentException("the model's provenance has no '" + key + "' list; was it trained by tribuo-nmsparse?");
        }
        return new ArrayList<>(list.getList());
    }

    private static Object value(Map<String, Provenance> entry, String key) {
        Provenance found = entry.get(key);
        if (!(found instanceof PrimitiveProvenance<?> primitive)) {
            throw new IllegalArgumentException("history entry lacks '" + key + "'");
        }
        return primitive.getValue();
    }

    private static List<Long> longList(Provenance found) {
        List<Long> values = new ArrayList<>();
        for (Provenance item : list(found, "layer list")) {
            values.add((Long) ((PrimitiveProvenance<?>) item).getValue());
        }
        return values;
    }
}

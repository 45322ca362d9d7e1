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
import io.github.nmsparse.engine.Executor;
import io.github.nmsparse.engine.network.LayerWeights;
import io.github.nmsparse.engine.network.Nd4jRuntime;
import io.github.nmsparse.engine.network.NetworkSnapshot;
import org.tribuo.provenance.ModelProvenance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjIntConsumer;
import java.util.function.ToIntFunction;

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
    /** ND4J backend, version, BLAS vendor, thread settings and the executor that ran the steps: a map. */
    public static final String BACKEND = "nmsparse.backend";
    /**
     * How long the run trained and on what: training and validation rows, batch size, planned and trained epochs, the
     * epoch it stopped early after and the best validation epoch (0 for neither): a map.
     */
    public static final String LENGTH = "nmsparse.length";
    /** Wall-clock seconds of each epoch: a list. */
    public static final String TIMING = "nmsparse.timing";

    private SparsityProvenance() {
    }

    /**
     * How long a run trained and on what.
     *
     * @param trainingRows   the rows trained on
     * @param validationRows the rows held out for validation, 0 for none
     * @param batchSize      the examples per step (the setting, or all rows when it is larger)
     * @param epochs         the epochs planned (the setting, or the count sized to the data)
     * @param epochsTrained  the epochs trained, fewer than planned when stopped early
     * @param stoppedAfter   the epoch after which early stopping ended the run, 0 when it did not
     * @param bestEpoch      the best epoch on the validation hold-out, 0 without one
     */
    public record Length(int trainingRows, int validationRows, int batchSize, int epochs, int epochsTrained, int stoppedAfter,
                         int bestEpoch) {

        /** @param write told each fact by name, in a fixed order */
        void forEach(ObjIntConsumer<String> write) {
            write.accept("trainingRows", trainingRows);
            write.accept("validationRows", validationRows);
            write.accept("batchSize", batchSize);
            write.accept("epochs", epochs);
            write.accept("epochsTrained", epochsTrained);
            write.accept("stoppedAfter", stoppedAfter);
            write.accept("bestEpoch", bestEpoch);
        }

        static Length of(Map<String, Integer> facts) {
            ToIntFunction<String> fact = name -> {
                Integer value = facts.get(name);
                if (value == null) {
                    throw new IllegalArgumentException("'" + LENGTH + "' in the provenance lacks '" + name + "'");
                }
                return value;
            };
            return new Length(fact.applyAsInt("trainingRows"), fact.applyAsInt("validationRows"), fact.applyAsInt("batchSize"),
                    fact.applyAsInt("epochs"), fact.applyAsInt("epochsTrained"), fact.applyAsInt("stoppedAfter"),
                    fact.applyAsInt("bestEpoch"));
        }
    }

    static Map<String, Provenance> runProvenance(List<EpochRecord> history, Length length, NetworkSnapshot snapshot,
                                                 Nd4jRuntime.BackendInfo backend, Executor executor) {
        Map<String, Provenance> run = new LinkedHashMap<>();
        Map<String, Provenance> lengthEntry = new LinkedHashMap<>();
        length.forEach((name, value) -> lengthEntry.put(name, new IntProvenance(name, value)));
        run.put(LENGTH, new MapProvenance<>(lengthEntry));
        List<MapProvenance<Provenance>> epochs = new ArrayList<>();
        List<DoubleProvenance> seconds = new ArrayList<>();
        for (EpochRecord r : history) {
            Map<String, Provenance> entry = new LinkedHashMap<>();
            r.writeTo(new EpochRecord.Sink<RuntimeException>() {
                @Override
                public void putInt(String name, int value) {
                    entry.put(name, new IntProvenance(name, value));
                }

                @Override
                public void putLong(String name, long value) {
                    entry.put(name, new LongProvenance(name, value));
                }

                @Override
                public void putDouble(String name, double value) {
                    if (name.equals(EpochRecord.SECONDS)) {
                        // Wall-clock time differs between identical runs: it goes apart, under TIMING.
                        seconds.add(new DoubleProvenance(name, value));
                    } else {
                        entry.put(name, new DoubleProvenance(name, value));
                    }
                }

                @Override
                public void putLongs(String name, List<Long> values) {
                    entry.put(name, longs(name, values));
                }
            });
            epochs.add(new MapProvenance<>(entry));
        }
        run.put(HISTORY, new ListProvenance<>(epochs));
        List<MapProvenance<Provenance>> layers = new ArrayList<>();
        for (LayerWeights layer : snapshot.layers()) {
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
        machine.put("nativeBuild", new StringProvenance("nativeBuild", backend.nativeBuild()));
        machine.put("blasVendor", new StringProvenance("blasVendor", backend.blasVendor()));
        machine.put("blasThreads", new IntProvenance("blasThreads", backend.blasThreads()));
        machine.put("ompThreads", new IntProvenance("ompThreads", backend.ompThreads()));
        machine.put("masterThreads", new IntProvenance("masterThreads", backend.masterThreads()));
        // The executor that ran (AUTO resolved): the trainer's own provenance keeps what was asked for.
        machine.put("executor", new StringProvenance("executor", executor.name()));
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
            double epochSeconds = i < seconds.size() ? (Double) ((PrimitiveProvenance<?>) seconds.get(i)).getValue() : 0.0;
            records.add(EpochRecord.readFrom(new EpochRecord.Source<IllegalArgumentException>() {
                @Override
                public int getInt(String name) {
                    return ((Number) value(e, name)).intValue();
                }

                @Override
                public long getLong(String name) {
                    return ((Number) value(e, name)).longValue();
                }

                @Override
                public double getDouble(String name) {
                    if (name.equals(EpochRecord.SECONDS)) {
                        return epochSeconds;
                    }
                    // Models from before a measure existed read it as NaN (training accuracy, say).
                    return e.containsKey(name) ? ((Number) value(e, name)).doubleValue() : Double.NaN;
                }

                @Override
                public List<Long> getLongs(String name) {
                    return longList(e.get(name));
                }
            }));
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

    /**
     * Reads back how long the run trained and on what.
     *
     * @param provenance the model's provenance
     * @return the facts, or null for a model trained before they were recorded
     */
    public static Length length(ModelProvenance provenance) {
        Provenance found = provenance.getInstanceProvenance().getMap().get(LENGTH);
        if (!(found instanceof MapProvenance<?> map)) {
            return null;
        }
        Map<String, Integer> values = new LinkedHashMap<>();
        map.getMap().forEach((name, value) -> values.put(name, ((Number) ((PrimitiveProvenance<?>) value).getValue()).intValue()));
        return Length.of(values);
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

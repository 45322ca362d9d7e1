package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.config.ConfigurationData;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.MapProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.util.Pair;
import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.engine.network.BlockSnapshot;
import org.tribuo.DataSource;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.provenance.DatasetProvenance;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rebuilds a model from its provenance alone: the trainer from the trainer provenance (with its invocation
 * count), the data from the data source provenance, then retrains and compares. It stands in for Tribuo's
 * tribuo-reproducibility module, which is not on Maven Central, for this plugin's models. Data sources must be
 * configurable ones (Tribuo's IDXDataSource and CSVDataSource, which the command line and CSVLoader use).
 */
public final class Reproducer {

    /** Provenance entries that differ between any two runs: time stamps and wall-clock times. */
    private static final Set<String> VOLATILE = Set.of("trained-at", "datasource-creation-time", "file-modified-time",
            SparsityProvenance.TIMING);

    private Reproducer() {
    }

    /**
     * The outcome of a reproduction.
     *
     * @param original              the model reproduced
     * @param rebuilt               the model trained anew from its provenance
     * @param sameWeights           whether every weight and bias is bit-identical
     * @param sameHistory           whether the per-epoch history (loss, SAD, flips) is identical
     * @param provenanceDifferences the provenance entries that differ, as "path: old -> new", time stamps aside
     * @param <T>                   the output type
     */
    public record Reproduction<T extends Output<T>>(NMSparseModel<T> original, NMSparseModel<T> rebuilt,
                                                    boolean sameWeights, boolean sameHistory,
                                                    List<String> provenanceDifferences) {

        /** @return whether the rebuilt model is identical to the original */
        public boolean isIdentical() {
            return sameWeights && sameHistory && provenanceDifferences.isEmpty();
        }

        /** @return a readable summary: the verdict, then each difference on its own line */
        public String report() {
            StringBuilder text = new StringBuilder();
            text.append(isIdentical() ? "identical: the rebuilt model has the same weights, SAD history and provenance\n"
                    : "NOT identical\n");
            text.append("  weights and biases: ").append(sameWeights ? "bit-identical" : "differ").append('\n');
            text.append("  per-epoch history (loss, SAD, flips): ").append(sameHistory ? "identical" : "differs").append('\n');
            text.append("  provenance: ").append(provenanceDifferences.isEmpty() ? "equal apart from time stamps"
                    : provenanceDifferences.size() + " difference(s)").append('\n');
            for (String difference : provenanceDifferences) {
                text.append("    ").append(difference).append('\n');
            }
            return text.toString();
        }
    }

    /**
     * Rebuilds the trainer and the data from a model's provenance, retrains, and compares.
     *
     * @param model the model to reproduce
     * @param <T>   the output type
     * @return the comparison
     * @throws IllegalArgumentException when the provenance cannot be turned back into a trainer or data source
     */
    @SuppressWarnings("unchecked")
    public static <T extends Output<T>> Reproduction<T> reproduce(NMSparseModel<T> model) {
        ModelProvenance provenance = model.getProvenance();
        NMSparseTrainer<T> trainer = (NMSparseTrainer<T>) rebuildTrainer(provenance.getTrainerProvenance());
        DataSource<T> source = (DataSource<T>) rebuildDataSource(provenance.getDatasetProvenance());
        if (!trainer.outputFactory().getClass().equals(source.getOutputFactory().getClass())) {
            throw new IllegalArgumentException("the rebuilt trainer and data source disagree on the output type");
        }
        NMSparseModel<T> rebuilt = trainer.train(new MutableDataset<>(source));
        List<EpochRecord> before = model.history().stream().map(EpochRecord::withoutTime).toList();
        List<EpochRecord> after = rebuilt.history().stream().map(EpochRecord::withoutTime).toList();
        return new Reproduction<>(model, rebuilt, sameWeights(model, rebuilt), before.equals(after),
                differences(provenance, rebuilt.getProvenance()));
    }

    static NMSparseTrainer<?> rebuildTrainer(TrainerProvenance provenance) {
        Object trainer = lookupRoot(provenance, "trainer");
        if (!(trainer instanceof NMSparseTrainer<?> nmTrainer)) {
            throw new IllegalArgumentException("the model was trained by " + trainer.getClass().getName() + ", not by NMSparseTrainer");
        }
        PrimitiveProvenance<?> count = provenance.getInstanceValues().get(TrainerProvenance.TRAIN_INVOCATION_COUNT);
        if (count == null) {
            throw new IllegalArgumentException("the trainer provenance has no " + TrainerProvenance.TRAIN_INVOCATION_COUNT);
        }
        nmTrainer.setInvocationCount(((Number) count.getValue()).intValue());
        return nmTrainer;
    }

    static DataSource<?> rebuildDataSource(DatasetProvenance provenance) {
        if (!provenance.getTransformationProvenance().getList().isEmpty()) {
            throw new IllegalArgumentException("the training data was transformed after loading; only data sources used as they are can be rebuilt");
        }
        if (!MutableDataset.class.getName().equals(provenance.getClassName())) {
            throw new IllegalArgumentException("the training data was a " + provenance.getClassName() + "; only MutableDataset can be rebuilt");
        }
        Object dataSource = lookupRoot(provenance.getSourceProvenance(), "data source");
        if (!(dataSource instanceof DataSource<?> typed)) {
            throw new IllegalArgumentException("the data source provenance describes a " + dataSource.getClass().getName());
        }
        return typed;
    }

    /**
     * Builds the object a configured-object provenance describes, with every setting it recorded.
     *
     * @param provenance the provenance of a configurable object
     * @param what       what it is, for the error message
     * @return the object
     */
    static Object lookupRoot(ObjectProvenance provenance, String what) {
        List<ConfigurationData> configuration;
        try {
            configuration = ProvenanceUtil.extractConfiguration(provenance);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the " + what + " cannot be rebuilt from its provenance ("
                    + provenance.getClassName() + "): " + e.getMessage(), e);
        }
        ConfigurationManager cm = new ConfigurationManager();
        cm.addConfiguration(configuration);
        // extractConfiguration lists the root object first.
        return cm.lookup(configuration.get(0).getName());
    }

    private static boolean sameWeights(NMSparseModel<?> a, NMSparseModel<?> b) {
        var layersA = a.snapshot().layers();
        var layersB = b.snapshot().layers();
        if (layersA.size() != layersB.size() || !a.snapshot().describe().equals(b.snapshot().describe())) {
            return false;
        }
        for (int i = 0; i < layersA.size(); i++) {
            if (!Arrays.equals(layersA.get(i).weights(), layersB.get(i).weights())
                    || !Arrays.equals(layersA.get(i).biases(), layersB.get(i).biases())) {
                return false;
            }
        }
        return sameValues(a.snapshot().blocks(), b.snapshot().blocks());
    }

    /** @return whether the blocks' other values (batch normalization's not folded) are bit-identical */
    private static boolean sameValues(List<BlockSnapshot> a, List<BlockSnapshot> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).vectorNames().equals(b.get(i).vectorNames())) {
                return false;
            }
            for (String name : a.get(i).vectorNames()) {
                if (!Arrays.equals(a.get(i).vector(name), b.get(i).vector(name))) {
                    return false;
                }
            }
            if (!sameValues(a.get(i).children(), b.get(i).children())) {
                return false;
            }
        }
        return true;
    }

    /** @return "path: before -> after" for every leaf that differs, time stamps aside */
    static List<String> differences(ObjectProvenance before, ObjectProvenance after) {
        Map<String, String> a = new TreeMap<>();
        Map<String, String> b = new TreeMap<>();
        flatten("", before, a);
        flatten("", after, b);
        Set<String> paths = new TreeSet<>(a.keySet());
        paths.addAll(b.keySet());
        List<String> differences = new ArrayList<>();
        for (String path : paths) {
            String x = a.get(path);
            String y = b.get(path);
            if (x == null ? y != null : !x.equals(y)) {
                differences.add(path + ": " + (x == null ? "(absent)" : x) + " -> " + (y == null ? "(absent)" : y));
            }
        }
        return differences;
    }

    private static void flatten(String prefix, Provenance provenance, Map<String, String> out) {
        if (provenance instanceof ObjectProvenance object) {
            for (Pair<String, Provenance> entry : object) {
                add(prefix, entry.getA(), entry.getB(), out);
            }
        } else if (provenance instanceof MapProvenance<?> map) {
            map.getMap().forEach((key, value) -> add(prefix, key, value, out));
        } else if (provenance instanceof ListProvenance<?> list) {
            for (int i = 0; i < list.getList().size(); i++) {
                add(prefix, "[" + i + "]", list.getList().get(i), out);
            }
        } else {
            out.put(prefix, String.valueOf(provenance instanceof PrimitiveProvenance<?> p ? p.getValue() : provenance));
        }
    }

    private static void add(String prefix, String key, Provenance value, Map<String, String> out) {
        if (!VOLATILE.contains(key)) {
            flatten(prefix.isEmpty() ? key : prefix + "." + key, value, out);
        }
    }
}

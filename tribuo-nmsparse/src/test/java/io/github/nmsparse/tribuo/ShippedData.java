package io.github.nmsparse.tribuo;

import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.data.csv.CSVLoader;
import org.tribuo.impl.ArrayExample;
import org.tribuo.multilabel.MultiLabel;
import org.tribuo.multilabel.MultiLabelFactory;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The small data sets shipped in datasets/, loaded once per test run. */
public final class ShippedData {

    private static final Map<String, Dataset<?>> CACHE = new HashMap<>();

    private ShippedData() {
    }

    /** @param split "train" or "test" @return datasets/digits, 64 pixel features, label "digit" */
    @SuppressWarnings("unchecked")
    public static synchronized Dataset<Label> digits(String split) {
        return (Dataset<Label>) CACHE.computeIfAbsent("digits-" + split,
                key -> load(new CSVLoader<>(new LabelFactory()), Path.of("datasets/digits/digits-" + split + ".csv"), "digit"));
    }

    /** @param split "train" or "test" @return datasets/mnist-10k through Tribuo's IDX reader: pixels named 000 to 783 */
    @SuppressWarnings("unchecked")
    public static synchronized Dataset<Label> mnist(String split) {
        return (Dataset<Label>) CACHE.computeIfAbsent("mnist-" + split, key -> {
            try {
                return new MutableDataset<>(new org.tribuo.datasource.IDXDataSource<>(
                        Path.of("datasets/mnist-10k/" + split + "-images-idx3-ubyte.gz"),
                        Path.of("datasets/mnist-10k/" + split + "-labels-idx1-ubyte.gz"), new LabelFactory()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** @param split "train" or "test" @return datasets/diabetes, 10 raw features, response "progression" */
    @SuppressWarnings("unchecked")
    public static synchronized Dataset<Regressor> diabetes(String split) {
        return (Dataset<Regressor>) CACHE.computeIfAbsent("diabetes-" + split,
                key -> load(new CSVLoader<>(new RegressionFactory()), Path.of("datasets/diabetes/diabetes-" + split + ".csv"), "progression"));
    }

    /**
     * @param name  "breast-cancer" (response "diagnosis") or "wine" (response "cultivar")
     * @param split "train" or "test"
     * @return one of the small tabular classification sets, features as they are (not scaled)
     */
    @SuppressWarnings("unchecked")
    public static synchronized Dataset<Label> tabular(String name, String split) {
        String response = switch (name) {
            case "breast-cancer" -> "diagnosis";
            case "wine" -> "cultivar";
            default -> throw new IllegalArgumentException("no tabular set " + name);
        };
        return (Dataset<Label>) CACHE.computeIfAbsent(name + "-" + split,
                key -> load(new CSVLoader<>(new LabelFactory()), Path.of("datasets/" + name + "/" + name + "-" + split + ".csv"), response));
    }

    /**
     * datasets/digits as a multi-label problem: each digit gets the labels that describe it among "even" or "odd",
     * "prime" (2, 3, 5, 7), "large" (5 to 9) and "loop" (0, 6, 8, 9: a closed loop when written), with the same
     * 64 pixel features. The README describes this derivation.
     *
     * @param split "train" or "test"
     * @return the derived data set
     */
    @SuppressWarnings("unchecked")
    public static synchronized Dataset<MultiLabel> digitsMultiLabel(String split) {
        Dataset<Label> digits = digits(split);
        return (Dataset<MultiLabel>) CACHE.computeIfAbsent("digits-multilabel-" + split, key -> {
            MultiLabelFactory factory = new MultiLabelFactory();
            MutableDataset<MultiLabel> derived = new MutableDataset<>(new SimpleDataSourceProvenance(
                    "datasets/digits/digits-" + split + ".csv as multi-label (even/odd, prime, large, loop)", factory), factory);
            for (Example<Label> example : digits) {
                ArrayExample<MultiLabel> copy = new ArrayExample<>(new MultiLabel(digitLabels(Integer.parseInt(example.getOutput().getLabel()))));
                for (Feature feature : example) {
                    copy.add(feature.getName(), feature.getValue());
                }
                derived.add(copy);
            }
            return derived;
        });
    }

    static Set<Label> digitLabels(int digit) {
        Set<Label> labels = new HashSet<>();
        labels.add(new Label(digit % 2 == 0 ? "even" : "odd"));
        if (digit == 2 || digit == 3 || digit == 5 || digit == 7) {
            labels.add(new Label("prime"));
        }
        if (digit >= 5) {
            labels.add(new Label("large"));
        }
        if (digit == 0 || digit == 6 || digit == 8 || digit == 9) {
            labels.add(new Label("loop"));
        }
        return labels;
    }

    private static <T extends org.tribuo.Output<T>> Dataset<T> load(CSVLoader<T> loader, Path path, String response) {
        try {
            return new MutableDataset<>(loader.loadDataSource(path, response));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

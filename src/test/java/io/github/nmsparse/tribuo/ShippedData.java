package io.github.nmsparse.tribuo;

import org.tribuo.Dataset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.data.csv.CSVLoader;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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

    /** @param split "train" or "test" @return datasets/diabetes, 10 raw features, response "progression" */
    @SuppressWarnings("unchecked")
    public static synchronized Dataset<Regressor> diabetes(String split) {
        return (Dataset<Regressor>) CACHE.computeIfAbsent("diabetes-" + split,
                key -> load(new CSVLoader<>(new RegressionFactory()), Path.of("datasets/diabetes/diabetes-" + split + ".csv"), "progression"));
    }

    private static <T extends org.tribuo.Output<T>> Dataset<T> load(CSVLoader<T> loader, Path path, String response) {
        try {
            return new MutableDataset<>(loader.loadDataSource(path, response));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

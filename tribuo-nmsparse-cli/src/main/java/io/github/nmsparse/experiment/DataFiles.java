package io.github.nmsparse.experiment;

import org.tribuo.Dataset;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.data.csv.CSVLoader;
import org.tribuo.datasource.IDXDataSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a data set from a CSV file (with a named response column) or from an IDX images file, whose labels file
 * sits beside it under the same name with {@code labels-idx1} for {@code images-idx3}.
 *
 * @param <T> the output type
 */
public final class DataFiles<T extends Output<T>> {

    private final OutputFactory<T> factory;
    private final String response;

    /**
     * @param factory  the output factory of the trainer that will use the data
     * @param response CSV only: the name of the response column (may be null for IDX files)
     */
    public DataFiles(OutputFactory<T> factory, String response) {
        this.factory = factory;
        this.response = response;
    }

    /**
     * @param path a .csv file or an IDX images file
     * @return the data set
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when the file is missing or of an unknown kind
     */
    public Dataset<T> load(Path path) throws IOException {
        requireFile(path);
        String name = path.getFileName().toString();
        if (name.endsWith(".csv")) {
            if (response == null) {
                throw new IllegalArgumentException(path + " is CSV: name its response column with --response");
            }
            return new MutableDataset<>(new CSVLoader<>(factory).loadDataSource(path, response));
        }
        if (!name.contains("images-idx3")) {
            throw new IllegalArgumentException(path + " is neither a .csv file nor an IDX images file (*images-idx3*)");
        }
        Path labels = path.resolveSibling(name.replace("images-idx3", "labels-idx1"));
        requireFile(labels);
        return new MutableDataset<>(new IDXDataSource<>(path, labels, factory));
    }

    private static void requireFile(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no data file at " + path.toAbsolutePath());
        }
    }
}

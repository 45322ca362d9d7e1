package io.github.nmsparse.tribuo;

import org.tribuo.Prediction;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Writes the golden model file of this format version and its predictions on datasets/digits/digits-test.csv.
 * Run it only when the format changes on purpose (and bump ModelFormat.CURRENT_VERSION):
 * {@code mvn -q test-compile exec:exec -Dexec.classpathScope=test -Dexec.mainClass=io.github.nmsparse.tribuo.GoldenModelWriter}
 */
public final class GoldenModelWriter {

    private GoldenModelWriter() {
    }

    static List<String> describe(List<Prediction<Label>> predictions) {
        return predictions.stream().map(p -> p.getOutput().getLabel() + String.format(Locale.ROOT, " %.6f", p.getOutput().getScore()))
                .collect(Collectors.toList());
    }

    /**
     * @param args ignored
     * @throws IOException when the files cannot be written
     */
    public static void main(String[] args) throws IOException {
        NMSparseModel<Label> model = NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(16).epochs(3).batchSize(32)
                .learningRate(1e-2).seed(1).build().train(ShippedData.digits("train"));
        Path dir = Path.of("tribuo-nmsparse/src/test/resources/golden");
        Files.createDirectories(dir);
        model.serializeToFile(dir.resolve("digits-sr-ste-2-4.model"));
        Files.write(dir.resolve("digits-sr-ste-2-4.predictions"), describe(model.predict(ShippedData.digits("test"))));
    }
}

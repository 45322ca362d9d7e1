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
 * Writes the golden model files of this format version and their predictions on datasets/digits/digits-test.csv:
 * a multi-layer perceptron, a convolutional network on a two-channel 2x8x4 view of the digits (batch normalization,
 * pooling and a channel layout that a one-channel image would not exercise) and a residual network on the same view
 * (projections, average and global pooling, a batch normalization that folds into no layer), the last two with
 * every score kept in full precision. Run it only when the format changes on purpose (and bump
 * ModelFormat.CURRENT_VERSION first): the files are named by version, so those of earlier versions stay and stay tested
 * (the version 0 multi-layer perceptron is digits-sr-ste-2-4.model):
 * {@code mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test -Dexec.mainClass=io.github.nmsparse.tribuo.GoldenModelWriter}
 */
public final class GoldenModelWriter {

    private GoldenModelWriter() {
    }

    /** @return per prediction, every label's score as Java prints a float: exact, so "identical" means bit for bit */
    static List<String> describeExactly(List<Prediction<Label>> predictions) {
        return predictions.stream().map(p -> p.getOutput().getLabel() + " " + new java.util.TreeMap<>(p.getOutputScores()).values()
                .stream().map(score -> Float.toString((float) score.getScore())).collect(Collectors.joining(" ")))
                .collect(Collectors.toList());
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
        String version = "-v" + ModelFormat.CURRENT_VERSION;
        model.serializeToFile(dir.resolve("digits-mlp" + version + ".model"));
        Files.write(dir.resolve("digits-mlp" + version + ".predictions"), describe(model.predict(ShippedData.digits("test"))));
        NMSparseModel<Label> cnn = NMSparseTrainer.builder(new LabelAdapter()).convolutions(new int[] {2, 8, 4}, "6x3p1bn/2", "8x2")
                .hiddenSizes(16).epochs(3).batchSize(32).learningRate(5e-3).seed(2).build().train(ShippedData.digits("train"));
        cnn.serializeToFile(dir.resolve("digits-cnn-2x8x4" + version + ".model"));
        Files.write(dir.resolve("digits-cnn-2x8x4" + version + ".predictions"), describeExactly(cnn.predict(ShippedData.digits("test"))));
        NMSparseModel<Label> residual = NMSparseTrainer.builder(new LabelAdapter()).blocks(new int[] {2, 8, 4}, "conv 6x3p1, bn, relu",
                        "residual(conv 6x3p1, bn, relu, conv 6x3p1, bn), relu", "residual(conv 8x3s2p1, bn, relu, conv 8x3p1, bn), relu",
                        "avgpool 2, bn, gap").hiddenSizes().epochs(3).batchSize(32).learningRate(5e-3).seed(3).build()
                .train(ShippedData.digits("train"));
        residual.serializeToFile(dir.resolve("digits-residual-2x8x4" + version + ".model"));
        Files.write(dir.resolve("digits-residual-2x8x4" + version + ".predictions"), describeExactly(residual.predict(ShippedData.digits("test"))));
    }
}

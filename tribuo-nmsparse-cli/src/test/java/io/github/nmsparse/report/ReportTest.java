package io.github.nmsparse.report;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.engine.network.LayerWeights;
import io.github.nmsparse.experiment.DataFiles;
import io.github.nmsparse.experiment.Results;
import io.github.nmsparse.experiment.RunResult;
import io.github.nmsparse.tribuo.LabelAdapter;
import io.github.nmsparse.tribuo.NMSparseModel;
import io.github.nmsparse.tribuo.NMSparseTrainer;
import io.github.nmsparse.tribuo.RegressorAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Dataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.classification.LabelFactory;
import org.tribuo.regression.RegressionFactory;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    /** @return the training split of a shipped CSV data set, read as the command line reads it */
    private static <T extends Output<T>> Dataset<T> data(OutputFactory<T> factory, String name, String response) {
        try {
            return new DataFiles<>(factory, response).load(Path.of("datasets", name, name + "-train.csv"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NMSparseModel<?> digitsModel() {
        return NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(32, 16).epochs(4).batchSize(64).seed(3).build()
                .train(data(new LabelFactory(), "digits", "digit"));
    }

    @Test
    void aModelReportShowsCurvesTheLayerTableAndMasksAsRealPictures(@TempDir Path out) throws Exception {
        NMSparseModel<?> model = digitsModel();
        Path page = ModelReport.write(model, "digits", out);
        String html = Files.readString(page);
        List<String> pictures = List.of("loss.png", "accuracy.png", "sad.png", "flips.png", "mask-layer0.png", "mask-layer1.png");
        assertEquals(pictures, ModelReport.page(model, "digits").pictureNames());
        for (String picture : pictures) {
            BufferedImage image = ImageIO.read(out.resolve(picture).toFile());
            assertNotNull(image, picture + " is a PNG");
            assertTrue(image.getWidth() >= Charts.WIDTH && image.getHeight() >= Charts.HEIGHT, picture);
            assertTrue(html.contains("<img id=\"" + picture + "\""), picture + " is in the page");
        }
        assertEquals(pictures.size(), html.split("data:image/png;base64,", -1).length - 1, "pictures are embedded");
        assertTrue(html.contains("<td>0</td><td>32x64</td><td>2:4</td><td>0.5000</td><td>0.5000</td><td>1024</td><td>yes</td>"), html);
        assertTrue(html.contains("<td>2</td><td>10x16</td><td>dense</td>"), html);
    }

    @Test
    void theMaskPictureShowsTheLayersNonZerosAndIsNMValid() {
        NMSparseModel<?> model = digitsModel();
        LayerWeights layer = model.snapshot().layers().get(0);
        boolean[][] kept = ModelReport.maskOf(layer);
        assertEquals(32, kept.length, "all 32 rows (fewer than 64)");
        assertEquals(64, kept[0].length, "all 64 inputs (fewer than 128)");
        float[] weights = layer.weights();
        float[] shown = new float[32 * 64];
        for (int r = 0; r < 32; r++) {
            for (int c = 0; c < 64; c++) {
                assertEquals(weights[r * 64 + c] != 0f, kept[r][c]);
                shown[r * 64 + c] = kept[r][c] ? 1f : 0f;
            }
        }
        assertTrue(io.github.nmsparse.core.NMValidity.check(java.nio.FloatBuffer.wrap(shown), new NMLayout(32, 64, layer.pattern())).isValid());
    }

    @Test
    void aConvolutionalModelReportShowsItsConvolutionMasks(@TempDir Path out) throws Exception {
        NMSparseModel<?> model = NMSparseTrainer.builder(new LabelAdapter()).convolutions(new int[] {1, 8, 8}, "8x3p1/2")
                .hiddenSizes(16).epochs(2).batchSize(64).build().train(data(new LabelFactory(), "digits", "digit"));
        Path page = ModelReport.write(model, "digits-cnn", out);
        String html = Files.readString(page);
        assertTrue(html.contains("<td>0</td><td>8x9</td><td>2:4</td>"), "the convolution's 8 rows of 3x3x1 weights: " + html);
        assertNotNull(ImageIO.read(out.resolve("mask-layer0.png").toFile()));
        assertNotNull(ImageIO.read(out.resolve("mask-layer1.png").toFile()));
    }

    @Test
    void aRegressionModelHasNoAccuracyCurve() {
        NMSparseModel<?> model = NMSparseTrainer.builder(new RegressorAdapter()).hiddenSizes(8).epochs(2).batchSize(32).build()
                .train(data(new RegressionFactory(), "diabetes", "progression"));
        assertTrue(!ModelReport.page(model, "diabetes").pictureNames().contains("accuracy.png"));
    }

    @Test
    void anExperimentReportShowsAccuracyAgainstSparsityAndSadCurves(@TempDir Path out) throws Exception {
        List<RunResult> runs = new ArrayList<>();
        for (long seed = 1; seed <= 2; seed++) {
            runs.add(Results.of("DENSE", "dense", Double.NaN, seed, 0.96, 0, 0, 0, 0));
            for (String pattern : List.of("2:4", "1:8")) {
                runs.add(Results.of("STE", pattern, Double.NaN, seed, 0.94, 0.3, 0.2, 0.1, 0.05));
                runs.add(Results.of("SR_STE", pattern, Double.NaN, seed, 0.95, 0.3, 0.1, 0.01, 0.001));
            }
            runs.add(Results.of("SR_STE", "2:4", 2e-3, seed, 0.95, 0.2, 0.01, 0.0, 0.0));
        }
        Path page = ExperimentReport.write(runs, "synthetic", out);
        String html = Files.readString(page);
        for (String picture : List.of(ExperimentReport.ACCURACY_CHART, ExperimentReport.SAD_CHART, ExperimentReport.SWEEP_CHART)) {
            assertNotNull(ImageIO.read(out.resolve(picture).toFile()), picture);
            assertTrue(html.contains("<img id=\"" + picture + "\""), picture);
        }
        assertTrue(html.contains("<td>SR_STE</td><td>2:4</td><td>0.002</td><td></td><td>2</td><td>95.00 ± 0.00</td>"), html);
        assertEquals(List.of("STE 2:4", "SR-STE 2:4", "STE 1:8", "SR-STE 1:8"),
                List.copyOf(ExperimentReport.sadCurves(new io.github.nmsparse.experiment.ResultTable(runs)).keySet()));
        assertThrows(IllegalArgumentException.class, () -> ExperimentReport.write(List.of(), "empty", out));
    }
}

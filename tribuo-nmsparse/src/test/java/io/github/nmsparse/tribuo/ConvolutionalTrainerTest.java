package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.engine.network.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tribuo.Dataset;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Convolutional networks through the Tribuo trainer: training, image features, saving and settings. */
class ConvolutionalTrainerTest {

    private static NMSparseModel<Label> cnn;

    private static NMSparseTrainer.Builder<Label> digitsCnn() {
        return NMSparseTrainer.builder(new LabelAdapter()).convolutions(new int[] {1, 8, 8}, "8x3p1/2").hiddenSizes(32)
                .epochs(10).batchSize(64).learningRate(5e-3);
    }

    @BeforeAll
    static void train() {
        cnn = digitsCnn().build().train(ShippedData.digits("train"));
    }

    @Test
    void anSrSteCnnLearnsTheDigitsWithEveryConvolutionNMValid() {
        double accuracy = new LabelEvaluator().evaluate(cnn, ShippedData.digits("test")).accuracy();
        assertTrue(accuracy >= 0.9, "test accuracy " + accuracy);
        assertEquals("conv 8x3p1, relu, maxpool 2, flatten, dense 32, relu, dense 10", cnn.snapshot().describe());
        assertEquals(new Shape(1, 8, 8), cnn.snapshot().input());
        var layers = SparsityProvenance.layers(cnn.getProvenance());
        assertEquals("8x9", layers.get(0).get("shape"), "3x3 kernel over 1 channel");
        layers.stream().filter(l -> (Boolean) l.get("sparse")).forEach(l -> assertEquals(true, l.get("nmValid"), l.toString()));
        for (EpochRecord r : cnn.history()) {
            assertEquals(2, r.layerSad().size(), "SAD covers the convolution and the hidden layer");
        }
        assertTrue(cnn.getTopFeatures(5).isEmpty(), "a convolution has no per-feature weights");
    }

    @Test
    void saveThenLoadKeepsPredictions() throws Exception {
        NMSparseModel<?> loaded = NMSparseModel.deserializeFromProto(cnn.serialize().getVersion(), cnn.serialize().getClassName(),
                cnn.serialize().getSerializedData());
        assertEquals(cnn.snapshot().describe(), loaded.snapshot().describe());
        @SuppressWarnings("unchecked")
        Model<Label> typed = (Model<Label>) loaded;
        List<Prediction<Label>> before = cnn.predict(ShippedData.digits("test"));
        List<Prediction<Label>> after = typed.predict(ShippedData.digits("test"));
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).getOutputScores(), after.get(i).getOutputScores(), "example " + i);
        }
        assertEquals(before.get(3).getOutputScores(), typed.predict(ShippedData.digits("test").getExample(3)).getOutputScores(),
                "one example runs the same network as a batch");
        assertEquals(cnn.getProvenance().getTrainerProvenance(), Reproducer.rebuildTrainer(cnn.getProvenance().getTrainerProvenance())
                .getProvenance(), "the trainer, convolutions included, is rebuilt from provenance");
    }

    @Test
    void idxPixelsAreNamedByIndexSoSortingByNameGivesRowMajorOrder() throws Exception {
        Dataset<Label> mnist = ShippedData.mnist("test");
        ImmutableFeatureMap features = mnist.getFeatureIDMap();
        assertTrue(features.size() < 784, "the reader leaves out pixels that are zero in every image: " + features.size());
        int[] columns = ImageFeatures.columns(features, new int[] {1, 28, 28});
        List<String> names = new ArrayList<>();
        for (int id = 0; id < features.size(); id++) {
            String name = features.get(id).getName();
            assertEquals(Integer.parseInt(name), columns[id], name);
            names.add(name);
        }
        List<String> byName = new ArrayList<>(names);
        byName.sort(null);
        List<String> byPixel = new ArrayList<>(names);
        byPixel.sort(java.util.Comparator.comparingInt(Integer::parseInt));
        assertEquals(byPixel, byName, "zero-padded names sort in row-major pixel order");
    }

    @Test
    void digitsNamedByRowAndColumnGoToTheirPixels() {
        ImmutableFeatureMap features = ShippedData.digits("train").getFeatureIDMap();
        int[] columns = ImageFeatures.columns(features, new int[] {1, 8, 8});
        assertEquals(1 * 8 + 7, columns[features.getID("px17")], "px17 is row 1, column 7");
        assertEquals(63, columns[features.getID("px77")]);
    }

    @Test
    void oneBasedNumberedNamesGoToPixelsInNumericNotTextOrder() {
        org.tribuo.MutableDataset<Label> data = new org.tribuo.MutableDataset<>(
                new org.tribuo.provenance.SimpleDataSourceProvenance("numbered", new org.tribuo.classification.LabelFactory()),
                new org.tribuo.classification.LabelFactory());
        String[] names = new String[16];
        double[] values = new double[16];
        for (int i = 0; i < 16; i++) {
            names[i] = "f" + (i + 1);
            values[i] = 1;
        }
        data.add(new org.tribuo.impl.ArrayExample<>(new Label("a"), names, values));
        ImmutableFeatureMap features = data.getFeatureIDMap();
        int[] columns = ImageFeatures.columns(features, new int[] {1, 4, 4});
        assertEquals(0, columns[features.getID("f1")]);
        assertEquals(1, columns[features.getID("f2")], "f2 follows f1, not f10");
        assertEquals(15, columns[features.getID("f16")]);
    }

    /** The engine holds images channels-last: pixel (c, h, w) of a C-channel image is column (h * W + w) * C + c. */
    @Test
    void channelsArePlacedChannelsLast() {
        org.tribuo.MutableDataset<Label> data = new org.tribuo.MutableDataset<>(
                new org.tribuo.provenance.SimpleDataSourceProvenance("two channels", new org.tribuo.classification.LabelFactory()),
                new org.tribuo.classification.LabelFactory());
        String[] names = new String[32];
        double[] values = new double[32];
        for (int i = 0; i < 32; i++) {
            names[i] = "f" + (i + 1);
            values[i] = 1;
        }
        data.add(new org.tribuo.impl.ArrayExample<>(new Label("a"), names, values));
        ImmutableFeatureMap features = data.getFeatureIDMap();
        int[] columns = ImageFeatures.columns(features, new int[] {2, 4, 4});
        assertEquals(0, columns[features.getID("f1")], "channel 0, pixel (0, 0)");
        assertEquals(1, columns[features.getID("f17")], "channel 1, pixel (0, 0)");
        assertEquals(2, columns[features.getID("f2")], "channel 0, pixel (0, 1)");
        assertEquals(31, columns[features.getID("f32")], "channel 1, pixel (3, 3)");
    }

    @Test
    void featuresThatDoNotFitTheShapeAreRefusedWithHowToNameThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NMSparseTrainer.builder(new LabelAdapter())
                .convolutions(new int[] {1, 7, 7}, "4x3").hiddenSizes(8).epochs(1).build().train(ShippedData.digits("train")));
        assertTrue(e.getMessage().contains("the 64 features cannot be placed in a 1x7x7 input") && e.getMessage().contains("pixel index"),
                e.getMessage());
        PropertyException bad = assertThrows(PropertyException.class, () -> NMSparseTrainer.builder(new LabelAdapter())
                .convolutions(new int[] {1, 8, 8}, "8x3q").build());
        assertTrue(bad.getMessage().contains("convolutions") && bad.getMessage().contains("CxK"), bad.getMessage());
        PropertyException shape = assertThrows(PropertyException.class, () -> NMSparseTrainer.builder(new LabelAdapter())
                .convolutions(new int[] {1, 8}, "8x3").build());
        assertTrue(shape.getMessage().contains("inputShape"), shape.getMessage());
        PropertyException tooBig = assertThrows(PropertyException.class, () -> NMSparseTrainer.builder(new LabelAdapter())
                .convolutions(new int[] {1, 8, 8}, "8x9").hiddenSizes(8).epochs(1).build());
        assertTrue(tooBig.getMessage().contains("convolutions: block 1 (conv 8x9) does not fit its input 1x8x8"), tooBig.getMessage());
    }
}

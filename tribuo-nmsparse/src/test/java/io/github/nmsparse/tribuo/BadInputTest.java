package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.nmsparse.core.NMPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.transformations.MeanStdDevTransformation;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 6's list of bad inputs: each gets an exception of a meaningful type whose message says what to do. */
class BadInputTest {

    private static NMSparseTrainer.Builder<Label> quick() {
        return NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(8).epochs(2).batchSize(2);
    }

    private static MutableDataset<Label> labels(String... classes) {
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("hand-made", new LabelFactory()), new LabelFactory());
        for (int i = 0; i < classes.length; i++) {
            data.add(new ArrayExample<>(new Label(classes[i]), new String[] {"a", "b", "c"}, new double[] {i, 1 - i, 0.5}));
        }
        return data;
    }

    private static void assertMessage(Class<? extends Throwable> type, Runnable action, String... expected) {
        Throwable e = assertThrows(type, action::run);
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should say '" + part + "'");
        }
    }

    @Test
    void aBadPatternText() {
        assertMessage(PropertyException.class, () -> quick().pattern("2/4").build(), "pattern", "not of the form N:M");
        assertMessage(PropertyException.class, () -> quick().pattern("0:4").build(), "pattern");
        assertMessage(IllegalArgumentException.class, () -> NMPattern.parse("2:64"), "M");
    }

    @Test
    void oneOutputClassOnly() {
        assertMessage(IllegalArgumentException.class, () -> quick().build().train(labels("a", "a", "a")),
                "one class only", "at least two classes");
    }

    @Test
    void nanRegressionTargetsAreNamedWithTheirExample() {
        MutableDataset<Regressor> data = new MutableDataset<>(new SimpleDataSourceProvenance("hand-made", new RegressionFactory()),
                new RegressionFactory());
        for (int i = 0; i < 4; i++) {
            data.add(new ArrayExample<>(new Regressor("y", i == 2 ? Double.NaN : i), new String[] {"x"}, new double[] {i}));
        }
        assertMessage(IllegalArgumentException.class, () -> NMSparseTrainer.builder(new RegressorAdapter()).hiddenSizes(4)
                .epochs(1).batchSize(2).build().train(data), "example 2", "target 'y' is NaN", "finite");
    }

    @Test
    void hiddenSizesOfZeroOrLessAndNonPositiveLearningRates() {
        assertMessage(PropertyException.class, () -> quick().hiddenSizes(8, 0).build(), "hiddenSizes", "each at least 1");
        assertMessage(PropertyException.class, () -> quick().hiddenSizes(-3).build(), "hiddenSizes");
        assertMessage(PropertyException.class, () -> quick().learningRate(0).build(), "learningRate must be a finite number > 0");
        assertMessage(PropertyException.class, () -> quick().learningRate(-1e-3).build(), "learningRate");
    }

    /** As scikit-learn clips its batch size: small data should not need a setting changed (a warning says so). */
    @Test
    void aBatchLargerThanTheDataTakesAllOfIt() {
        NMSparseModel<Label> model = quick().batchSize(10).build().train(labels("a", "b", "a"));
        assertEquals(3, SparsityProvenance.length(model.getProvenance()).batchSize());
    }

    /**
     * Tribuo's MeanStdDevTransformation turns a feature that is constant in the training data into NaN (0 / 0) in every
     * example: such a feature is ignored, in training and in predictions, rather than refused.
     */
    @Test
    void aConstantFeatureStandardizedToNaNByTribuoIsIgnored() {
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("hand-made", new LabelFactory()), new LabelFactory());
        for (int i = 0; i < 6; i++) {
            data.add(new ArrayExample<>(new Label(i % 2 == 0 ? "a" : "b"), new String[] {"x", "z"}, new double[] {i % 2 + 0.1 * i, 5}));
        }
        Model<Label> model = new TransformTrainer<>(quick().epochs(0).build(), new TransformationMap(List.of(new MeanStdDevTransformation())))
                .train(data);
        int correct = 0;
        for (Example<Label> example : data) {
            Prediction<Label> p = model.predict(example);
            assertTrue(Double.isFinite(p.getOutput().getScore()));
            correct += p.getOutput().getLabel().equals(example.getOutput().getLabel()) ? 1 : 0;
        }
        assertEquals(6, correct, "the informative feature is still used");
        Prediction<Label> z5 = model.predict(new ArrayExample<>(new Label("a"), new String[] {"x", "z"}, new double[] {0, 5}));
        Prediction<Label> z9 = model.predict(new ArrayExample<>(new Label("a"), new String[] {"x", "z"}, new double[] {0, 9}));
        assertEquals(z5.getOutput().getScore(), z9.getOutput().getScore(), 0.0, "the constant feature does not count");
    }

    /** A feature NaN in some training examples only is refused, with the first of them named. */
    @Test
    void aFeatureNaNInSomeExamplesIsRefused() {
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("hand-made", new LabelFactory()), new LabelFactory());
        for (int i = 0; i < 6; i++) {
            data.add(new ArrayExample<>(new Label(i % 2 == 0 ? "a" : "b"), new String[] {"x", "z"}, new double[] {i % 2, 1}));
        }
        // Tribuo refuses NaN when an example is added; a transformation or a later change can still put one there.
        data.getExample(4).set(new org.tribuo.Feature("z", Double.NaN));
        data.getExample(5).set(new org.tribuo.Feature("z", Double.NaN));
        assertMessage(IllegalArgumentException.class, () -> quick().build().train(data), "example 4", "feature 'z' is NaN", "finite");
    }

    @Test
    void layersNarrowerThanMKeepNOfTheirFewInputs() {
        // 3 inputs under 1:8: one group of 3 inputs per row, keeping 1; a hidden width of 2 under 2:4: one group of 2,
        // keeping both. Partial groups keep min(N, width): documented in the README.
        NMSparseModel<Label> model = NMSparseTrainer.builder(new LabelAdapter()).pattern("1:8").hiddenSizes(2, 4)
                .epochs(2).batchSize(2).build().train(labels("a", "b", "a", "b"));
        var first = model.snapshot().layers().get(0);
        assertTrue(first.validity().isValid());
        assertEquals(2, first.validity().nonZeros(), "one of the 3 inputs per row, 2 rows");
        Prediction<Label> p = model.predict(labels("a").getExample(0));
        assertTrue(Double.isFinite(p.getOutput().getScore()));
    }

    @Test
    void configurationFilesWithMisspelledOrUnknownProperties(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("trainers.xml");
        Files.writeString(config, """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                    <component name="adapter" type="io.github.nmsparse.tribuo.LabelAdapter"/>
                    <component name="misspelled" type="io.github.nmsparse.tribuo.NMSparseTrainer">
                        <property name="outputAdapter" value="adapter"/>
                        <property name="lambdaw" value="0.1"/>
                    </component>
                    <component name="bad-value" type="io.github.nmsparse.tribuo.NMSparseTrainer">
                        <property name="outputAdapter" value="adapter"/>
                        <property name="activation" value="SWISH"/>
                    </component>
                    <component name="unknown-method" type="io.github.nmsparse.tribuo.NMSparseTrainer">
                        <property name="outputAdapter" value="adapter"/>
                        <property name="method" value="SR-STE"/>
                    </component>
                    <component name="bad-method-setting" type="io.github.nmsparse.engine.method.SrSte">
                        <property name="lambdaW" value="-1"/>
                    </component>
                    <component name="not-a-number" type="io.github.nmsparse.tribuo.NMSparseTrainer">
                        <property name="outputAdapter" value="adapter"/>
                        <property name="epochs" value="ten"/>
                    </component>
                </config>
                """);
        ConfigurationManager cm = new ConfigurationManager(config.toString());
        assertMessage(PropertyException.class, () -> cm.lookup("misspelled"), "misspelled", "lambdaw", "Unknown property");
        assertMessage(PropertyException.class, () -> cm.lookup("bad-value"), "activation", "SWISH");
        assertMessage(PropertyException.class, () -> cm.lookup("unknown-method"), "SR-STE", "Failed to find component");
        assertMessage(PropertyException.class, () -> cm.lookup("bad-method-setting"), "lambdaW must be a finite number >= 0, got -1.0");
        assertMessage(PropertyException.class, () -> cm.lookup("not-a-number"), "epochs", "ten");
    }
}

package io.github.nmsparse.tribuo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.experiments.ConfigurableTrainTest;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tribuo's own ConfigurableTrainTest trains every MLP classification component of plugin-descriptor/ (the CNN needs IDX data, which Tribuo 4.3's data options do not read). */
class ConfigurableTrainTestTest {

    @Test
    void tribuosConfigurableTrainTestTrainsEveryClassificationComponent(@TempDir Path dir) throws Exception {
        for (String component : List.of("mlp-dense", "mlp-ste-2-4", "mlp-sr-ste-2-4", "mlp-asp-2-4")) {
            Path modelFile = dir.resolve(component + ".model");
            ConfigurableTrainTest.main(new String[] {"-c", PluginDescriptorTest.CONFIG, "-t", component, "-s", "CSV",
                    "--csv-response-name", "digit", "-u", "datasets/digits/digits-train.csv",
                    "-v", "datasets/digits/digits-test.csv", "--model-output-protobuf", "true", "-f", modelFile.toString()});
            Model<?> model = Model.deserializeFromFile(modelFile);
            assertEquals(NMSparseModel.class, model.getClass(), component);
            @SuppressWarnings("unchecked")
            double accuracy = new LabelEvaluator().evaluate((Model<Label>) model, ShippedData.digits("test")).accuracy();
            assertTrue(accuracy >= 0.9, component + " accuracy " + accuracy);
        }
    }
}

package io.github.nmsparse.tribuo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.experiments.ConfigurableTrainTest;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tribuo's own ConfigurableTrainTest trains every MLP classification component of plugin-descriptor/ (the CNN needs IDX data, which Tribuo 4.3's data options do not read). */
class ConfigurableTrainTestTest {

    private static String[] arguments(String component, Path modelFile, boolean protobuf) {
        List<String> args = new ArrayList<>(List.of("-c", PluginDescriptorTest.CONFIG, "-t", component, "-s", "CSV",
                "--csv-response-name", "digit", "-u", "datasets/digits/digits-train.csv",
                "-v", "datasets/digits/digits-test.csv", "-f", modelFile.toString()));
        if (protobuf) {
            args.addAll(List.of("--model-output-protobuf", "true"));
        }
        return args.toArray(String[]::new);
    }

    @Test
    void tribuosConfigurableTrainTestTrainsEveryClassificationComponent(@TempDir Path dir) throws Exception {
        for (String component : List.of("mlp-dense", "mlp-ste-2-4", "mlp-sr-ste-2-4", "mlp-asp-2-4")) {
            Path modelFile = dir.resolve(component + ".model");
            ConfigurableTrainTest.main(arguments(component, modelFile, true));
            Model<?> model = Model.deserializeFromFile(modelFile);
            assertEquals(NMSparseModel.class, model.getClass(), component);
            @SuppressWarnings("unchecked")
            double accuracy = new LabelEvaluator().evaluate((Model<Label>) model, ShippedData.digits("test")).accuracy();
            assertTrue(accuracy >= 0.9, component + " accuracy " + accuracy);
        }
    }

    /** ConfigurableTrainTest's default output is Java serialization: the model writes and reads back its protobuf form. */
    @Test
    void theDefaultJavaSerializedOutputLoadsAndPredictsLikeTheProtobufOne(@TempDir Path dir) throws Exception {
        Path javaFile = dir.resolve("java.ser");
        Path protoFile = dir.resolve("proto.model");
        ConfigurableTrainTest.main(arguments("mlp-sr-ste-2-4", javaFile, false));
        ConfigurableTrainTest.main(arguments("mlp-sr-ste-2-4", protoFile, true));
        Model<?> fromJava;
        try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(javaFile))) {
            fromJava = (Model<?>) in.readObject();
        }
        assertEquals(NMSparseModel.class, fromJava.getClass());
        @SuppressWarnings("unchecked")
        Model<Label> java = (Model<Label>) fromJava;
        @SuppressWarnings("unchecked")
        Model<Label> proto = (Model<Label>) Model.deserializeFromFile(protoFile);
        SerializationTest.assertSamePredictionsIgnoringProvenance(proto.predict(ShippedData.digits("test")),
                java.predict(ShippedData.digits("test")));
        assertEquals(proto.getProvenance().getTrainerProvenance(), java.getProvenance().getTrainerProvenance());

        // A stream whose model bytes name another class is refused with the model file's own message.
        byte[] bytes = Files.readAllBytes(javaFile);
        byte[] name = NMSparseModel.class.getName().getBytes(StandardCharsets.UTF_8);
        int at = indexOfProtobufClassName(bytes, name);
        bytes[at + name.length - 1] = 'X';
        Files.write(javaFile, bytes);
        InvalidObjectException refused = assertThrows(InvalidObjectException.class, () -> {
            try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(javaFile))) {
                in.readObject();
            }
        });
        assertTrue(refused.getMessage().contains("invalid serialized NMSparseModel") && refused.getMessage().contains("NMSparseModeX"),
                refused.getMessage());
    }

    /** @return where the model's class name stands inside the protobuf bytes (not as the proxy class's name) */
    private static int indexOfProtobufClassName(byte[] bytes, byte[] name) {
        for (int i = 0; i + name.length < bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + name.length, name, 0, name.length) && bytes[i + name.length] != '$') {
                return i;
            }
        }
        throw new AssertionError("the class name is not in the stream");
    }
}

package io.github.nmsparse.tribuo;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMValidity;
import io.github.nmsparse.engine.network.Activation;
import io.github.nmsparse.engine.network.LayerWeights;
import io.github.nmsparse.engine.network.NetworkSnapshot;
import org.junit.jupiter.api.Test;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ONNXExportable;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.multilabel.MultiLabel;
import org.tribuo.regression.Regressor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exported models run in ONNX Runtime and agree with the Java model; sparse initializers stay N:M. */
class OnnxExportTest {

    /** Runs the exported model on a data set and returns [example][output id]. */
    private static float[][] runInOnnxRuntime(NMSparseModel<?> model, Dataset<?> data) throws Exception {
        OnnxMl.ModelProto proto = model.exportONNXModel("io.github.nmsparse.test", 1);
        float[][] batch = new float[data.size()][model.getFeatureIDMap().size()];
        int row = 0;
        for (Example<?> example : data) {
            for (Feature feature : example) {
                int id = model.getFeatureIDMap().getID(feature.getName());
                if (id >= 0) {
                    batch[row][id] = (float) feature.getValue();
                }
            }
            row++;
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(proto.toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, batch);
             OrtSession.Result result = session.run(Map.of("input", input))) {
            return (float[][]) result.get("output").orElseThrow().getValue();
        }
    }

    private static <T extends Output<T>> void assertAgrees(NMSparseModel<T> model, Dataset<T> data, double tolerance,
                                                          BiFunction<Prediction<T>, String, Double> score,
                                                          BiFunction<NMSparseModel<T>, Integer, String> outputName) throws Exception {
        float[][] onnx = runInOnnxRuntime(model, data);
        List<Prediction<T>> java = model.predict(data);
        double worst = 0;
        for (int i = 0; i < java.size(); i++) {
            for (int id = 0; id < model.getOutputIDInfo().size(); id++) {
                double expected = score.apply(java.get(i), outputName.apply(model, id));
                double difference = Math.abs(expected - onnx[i][id]) / Math.max(1, Math.abs(expected));
                worst = Math.max(worst, difference);
            }
        }
        assertTrue(worst <= tolerance, "largest (relative) difference between ONNX Runtime and Java: " + worst);
    }

    @Test
    void classificationAgreesWithOnnxRuntime() throws Exception {
        for (Activation activation : Activation.values()) {
            NMSparseModel<Label> model = NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(64, 32).epochs(3)
                    .activation(activation).build().train(ShippedData.digits("train"));
            assertAgrees(model, ShippedData.digits("test"), 1e-5, (p, name) -> p.getOutputScores().get(name).getScore(),
                    (m, id) -> m.getOutputIDInfo().getOutput(id).getLabel());
        }
    }

    @Test
    void theReadmeNetworkOnMnistAgreesWithOnnxRuntime() throws Exception {
        Dataset<Label> train = ShippedData.mnist("train");
        Dataset<Label> test = ShippedData.mnist("test");
        NMSparseModel<Label> model = NMSparseTrainer.builder(new LabelAdapter()).epochs(1).build().train(train);
        assertAgrees(model, test, 1e-5, (p, name) -> p.getOutputScores().get(name).getScore(),
                (m, id) -> m.getOutputIDInfo().getOutput(id).getLabel());
    }

    @Test
    void convolutionalNetworksAgreeWithOnnxRuntime() throws Exception {
        // Two stages (one batch-normalized and pooled, one strided), standardized inputs, and each activation.
        for (Activation activation : Activation.values()) {
            NMSparseModel<Label> model = NMSparseTrainer.builder(new LabelAdapter())
                    .convolutions(new int[] {1, 8, 8}, "4x3p1bn/2", "8x3s2p1").hiddenSizes(16).activation(activation)
                    .featureScaling(FeatureScaling.STANDARDIZE).epochs(2).batchSize(64).build().train(ShippedData.digits("train"));
            assertAgrees(model, ShippedData.digits("test"), 1e-5, (p, name) -> p.getOutputScores().get(name).getScore(),
                    (m, id) -> m.getOutputIDInfo().getOutput(id).getLabel());
        }
    }

    @Test
    void theCnnOnMnistWithItsMissingPixelsAgreesWithOnnxRuntime() throws Exception {
        Dataset<Label> test = ShippedData.mnist("test");
        NMSparseModel<Label> model = NMSparseTrainer.builder(new LabelAdapter()).convolutions(new int[] {1, 28, 28}, "4x3p1/2")
                .hiddenSizes(16).epochs(1).build().train(test);
        assertAgrees(model, test, 1e-5, (p, name) -> p.getOutputScores().get(name).getScore(),
                (m, id) -> m.getOutputIDInfo().getOutput(id).getLabel());
    }

    /**
     * A residual network exports as Conv, Add for the shortcuts (identity and a 1x1 projection), AveragePool,
     * GlobalAveragePool and a batch normalization that no layer precedes (as Sub, Mul and Add); ONNX Runtime computes
     * what the Java model does.
     */
    @Test
    void aResidualNetworkAgreesWithOnnxRuntime() throws Exception {
        NMSparseModel<Label> model = NMSparseTrainer.builder(new LabelAdapter()).blocks(new int[] {1, 8, 8}, "conv 8x3p1, bn, relu",
                        "residual(conv 8x3p1, bn, relu, conv 8x3p1, bn), relu", "residual(conv 16x3s2p1, bn, relu, conv 16x3p1, bn), relu",
                        "avgpool 2, bn, gap").hiddenSizes().featureScaling(FeatureScaling.STANDARDIZE).epochs(2).batchSize(64)
                .build().train(ShippedData.digits("train"));
        assertAgrees(model, ShippedData.digits("test"), 1e-5, (p, name) -> p.getOutputScores().get(name).getScore(),
                (m, id) -> m.getOutputIDInfo().getOutput(id).getLabel());
        List<String> operators = model.exportONNXModel("io.github.nmsparse.test", 1).getGraph().getNodeList().stream()
                .map(OnnxMl.NodeProto::getOpType).toList();
        assertTrue(operators.containsAll(List.of("Conv", "Add", "AveragePool", "GlobalAveragePool", "Relu", "Gemm")), operators.toString());
        assertEquals(6, operators.stream().filter("Conv"::equals).count(), "five convolutions and the projection: " + operators);
    }

    @Test
    void regressionAgreesWithOnnxRuntime() throws Exception {
        NMSparseModel<Regressor> model = NMSparseTrainer.builder(new RegressorAdapter()).hiddenSizes(32, 16).epochs(10)
                .featureScaling(FeatureScaling.STANDARDIZE).build().train(ShippedData.diabetes("train"));
        assertAgrees(model, ShippedData.diabetes("test"), 1e-5,
                (p, name) -> p.getOutput().getDimension(name).orElseThrow().getValue(),
                (m, id) -> m.getOutputIDInfo().getOutput(id).getNames()[0]);
    }

    @Test
    void multiLabelAgreesWithOnnxRuntime() throws Exception {
        NMSparseModel<MultiLabel> model = NMSparseTrainer.builder(new MultiLabelAdapter()).hiddenSizes(32).epochs(3)
                .build().train(ShippedData.digitsMultiLabel("train"));
        assertAgrees(model, ShippedData.digitsMultiLabel("test"), 1e-5,
                (p, name) -> p.getOutputScores().get(name).getLabelSet().iterator().next().getScore(),
                (m, id) -> m.getOutputIDInfo().getOutput(id).getLabelString());
    }

    @Test
    void sparseLayersExportAsNMValidInitializersAndTheProvenanceIsEmbedded() throws Exception {
        NMSparseModel<Label> model = NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(64, 32).epochs(2)
                .build().train(ShippedData.digits("train"));
        OnnxMl.ModelProto proto = model.exportONNXModel("io.github.nmsparse.test", 1);
        List<LayerWeights> layers = model.snapshot().layers();
        for (int i = 0; i < layers.size(); i++) {
            String name = NetworkSnapshot.onnxWeightName(i);
            // ONNXContext makes names unique by adding a suffix.
            List<OnnxMl.TensorProto> found = proto.getGraph().getInitializerList().stream()
                    .filter(t -> t.getName().startsWith(name)).toList();
            assertEquals(1, found.size(), "initializers named " + name);
            OnnxMl.TensorProto tensor = found.get(0);
            LayerWeights layer = layers.get(i);
            assertEquals(List.of((long) layer.outputs(), (long) layer.inputs()), tensor.getDimsList());
            FloatBuffer values = ByteBuffer.wrap(tensor.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            assertEquals(layer.outputs() * layer.inputs(), values.remaining());
            if (layer.sparse()) {
                NMValidity validity = NMValidity.check(values, new NMLayout(layer.outputs(), layer.inputs(), layer.pattern()));
                assertTrue(validity.isValid(), name);
                assertEquals(0.5, validity.density(), 1e-9, name + " holds exactly half its weights");
            }
        }
        assertTrue(proto.getMetadataPropsList().stream().anyMatch(p -> p.getKey().equals(ONNXExportable.PROVENANCE_METADATA_FIELD)),
                "the provenance is embedded");
        assertEquals(List.of("input"), proto.getGraph().getInputList().stream().map(OnnxMl.ValueInfoProto::getName).toList());
        assertEquals(List.of("output"), proto.getGraph().getOutputList().stream().map(OnnxMl.ValueInfoProto::getName).toList());
    }
}

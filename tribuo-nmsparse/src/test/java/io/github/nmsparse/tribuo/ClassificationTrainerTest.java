package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.engine.Executor;
import io.github.nmsparse.engine.TrainingDivergedException;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.network.HostMemory;
import io.github.nmsparse.engine.network.LayerWeights;
import io.github.nmsparse.engine.optimizer.Sgd;
import org.junit.jupiter.api.BeforeAll;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.evaluation.CrossValidation;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ClassificationTrainerTest {

    private static Dataset<Label> train;
    private static Dataset<Label> test;
    private static NMSparseModel<Label> srSte;

    @BeforeAll
    static void trainOnDigits() {
        train = ShippedData.digits("train");
        test = ShippedData.digits("test");
        srSte = NMSparseTrainer.builder(new LabelAdapter()).pattern("2:4").method(new SrSte()).build().train(train);
    }

    private static NMSparseTrainer.Builder<Label> quick() {
        return NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(32).epochs(3).batchSize(32).learningRate(1e-2);
    }

    @Test
    void srSte24OnDigitsReachesNinetyPercentWithEverySparseLayerNMValid() {
        LabelEvaluation evaluation = new LabelEvaluator().evaluate(srSte, test);
        assertTrue(evaluation.accuracy() >= 0.90, "test accuracy " + evaluation.accuracy());
        List<LayerWeights> layers = srSte.snapshot().layers();
        assertTrue(layers.get(0).sparse() && layers.get(1).sparse() && !layers.get(2).sparse());
        for (LayerWeights layer : layers) {
            assertTrue(layer.validity().isValid());
        }
        assertEquals(0.5, layers.get(0).validity().density(), 1e-9, "64 inputs in full groups of 4 keep exactly half");
    }

    @Test
    void provenanceHoldsHistoryLayersAndBackendAndSurvivesMarshalling() {
        ModelProvenance provenance = srSte.getProvenance();
        List<EpochRecord> history = SparsityProvenance.history(provenance);
        assertEquals(125, history.size(), "the default training length on digits: 1500 steps of 12 an epoch");
        for (int e = 0; e < history.size(); e++) {
            EpochRecord record = history.get(e);
            assertEquals(e + 1, record.epoch());
            assertTrue(Double.isFinite(record.loss()));
            assertEquals(2, record.layerSad().size());
            assertEquals(record.sad(), record.layerSad().get(0) + record.layerSad().get(1));
            assertEquals(record.sadToInitial(), record.layerSadToInitial().get(0) + record.layerSadToInitial().get(1));
            assertEquals(record.sadToFinal(), record.layerSadToFinal().get(0) + record.layerSadToFinal().get(1));
            assertEquals(0, record.sad() % 2);
            assertTrue(record.flips() >= 0 && record.sadFraction() >= 0 && record.sadFraction() <= 1);
        }
        assertEquals(history.get(0).sad(), history.get(0).sadToInitial());
        assertTrue(history.get(0).sad() > 0, "the architecture moves early in training");
        assertEquals(0, history.get(history.size() - 1).sadToFinal());

        List<Map<String, Object>> layers = SparsityProvenance.layers(provenance);
        assertEquals(3, layers.size());
        assertEquals(Map.of("shape", "256x64", "sparse", true, "pattern", "2:4", "density", 0.5, "nmValid", true), layers.get(0));
        assertEquals("dense", layers.get(2).get("pattern"));
        Map<String, Object> backend = SparsityProvenance.backend(provenance);
        assertEquals(Nd4j.getBackend().getClass().getSimpleName(), backend.get("backend"));
        assertEquals("1.0.0-M2.1", backend.get("version"));
        if (Nd4j.getEnvironment().isCPU()) {
            assertEquals(1, backend.get("ompThreads"), "the CPU backend's element-wise work stays on the training thread");
        }

        ModelProvenance copy = (ModelProvenance) ProvenanceUtil.unmarshalProvenance(ProvenanceUtil.marshalProvenance(provenance));
        assertEquals(provenance, copy);
        assertEquals(history, SparsityProvenance.history(copy));
        assertEquals(layers, SparsityProvenance.layers(copy));
        assertEquals("2:4", provenance.getTrainerProvenance().getConfiguredParameters().get("pattern").toString()
                .replaceAll(".*=", ""));
    }

    @Test
    void theOpsExecutorTrainsAsTheFusedOneAndProvenanceSaysWhichRan() {
        assumeTrue(Nd4j.getEnvironment().isCPU(), "the fused executor, the reference here, runs on the CPU backend only");
        NMSparseModel<Label> fused = quick().executor(Executor.FUSED).build().train(train);
        NMSparseModel<Label> ops = quick().executor(Executor.OPS).build().train(train);
        double fusedAccuracy = new LabelEvaluator().evaluate(fused, test).accuracy();
        double opsAccuracy = new LabelEvaluator().evaluate(ops, test).accuracy();
        assertEquals(fusedAccuracy, opsAccuracy, 0.003, "the same training to within float rounding");
        assertEquals("FUSED", SparsityProvenance.backend(fused.getProvenance()).get("executor"));
        assertEquals("OPS", SparsityProvenance.backend(ops.getProvenance()).get("executor"));
        assertEquals("OPS", ops.getProvenance().getTrainerProvenance().getConfiguredParameters().get("executor").toString()
                .replaceAll(".*=", ""));
        assertEquals("FUSED", SparsityProvenance.backend(srSte.getProvenance()).get("executor"), "AUTO runs FUSED on the CPU backend");
        assertEquals("AUTO", srSte.getProvenance().getTrainerProvenance().getConfiguredParameters().get("executor").toString()
                .replaceAll(".*=", ""), "the trainer's provenance keeps what was asked for");
    }

    @Test
    void whereJavaDoesNotSeeArrayMemoryFusedIsRefusedAndTrainingAndPredictionRunAsOps() {
        HostMemory.simulateSplitMemory(true);
        try {
            PropertyException refused = assertThrows(PropertyException.class, () -> quick().executor(Executor.FUSED).build());
            assertTrue(refused.getMessage().contains("executor") && refused.getMessage().contains("wrong model"), refused.getMessage());
            NMSparseModel<Label> auto = quick().build().train(train);
            assertEquals("OPS", SparsityProvenance.backend(auto.getProvenance()).get("executor"));
            assertTrue(new LabelEvaluator().evaluate(auto, test).accuracy() > 0.8);
            // The model trained on the CPU path, rebuilt here, predicts through the ops network, not the Java kernel.
            @SuppressWarnings("unchecked")
            NMSparseModel<Label> rebuilt = (NMSparseModel<Label>) srSte.copy();
            List<Prediction<Label>> expected = srSte.predict(test);
            List<Prediction<Label>> actual = rebuilt.predict(test);
            for (int i = 0; i < expected.size(); i++) {
                for (Map.Entry<String, Label> score : expected.get(i).getOutputScores().entrySet()) {
                    assertEquals(score.getValue().getScore(), actual.get(i).getOutputScores().get(score.getKey()).getScore(), 1e-5,
                            "example " + i + ", " + score.getKey());
                }
            }
        } finally {
            HostMemory.simulateSplitMemory(false);
        }
    }

    @Test
    void invocationCountsFollowTribuoConventions() {
        NMSparseTrainer<Label> trainer = quick().seed(5).build();
        NMSparseModel<Label> first = trainer.train(train);
        NMSparseModel<Label> second = trainer.train(train);
        assertEquals(2, trainer.getInvocationCount());
        assertFalse(Arrays.equals(weights(first), weights(second)), "each call draws a new seed");
        NMSparseModel<Label> again = trainer.train(train, Map.of(), 0);
        assertArrayEquals(weights(first), weights(again));
        assertEquals(history(first), history(again));
        NMSparseModel<Label> fresh = quick().seed(5).build().train(train);
        assertArrayEquals(weights(first), weights(fresh), "a new trainer with the same seed rebuilds the same model");
    }

    private static float[] weights(NMSparseModel<Label> model) {
        return model.snapshot().layers().get(0).weights();
    }

    private static List<EpochRecord> history(NMSparseModel<Label> model) {
        return model.history().stream().map(r -> r.withoutTime()).toList();
    }

    @Test
    void batchPredictionEqualsOneByOne() {
        List<Prediction<Label>> batch = srSte.predict(test);
        for (int i = 0; i < 50; i++) {
            Prediction<Label> single = srSte.predict(test.getExample(i));
            assertEquals(single.getOutput(), batch.get(i).getOutput());
            assertEquals(single.getOutputScores().get("3").getScore(), batch.get(i).getOutputScores().get("3").getScore(), 1e-6);
        }
        double sum = batch.get(0).getOutputScores().values().stream().mapToDouble(Label::getScore).sum();
        assertEquals(1.0, sum, 1e-5, "probabilities sum to one");
    }

    @Test
    void unknownFeaturesAreIgnoredAndAnExampleWithNoneKnownIsRefused() {
        Example<Label> original = test.getExample(0);
        ArrayExample<Label> extended = new ArrayExample<>(original.getOutput());
        for (Feature f : original) {
            extended.add(f.getName(), f.getValue());
        }
        extended.add("not-a-pixel", 1000.0);
        Prediction<Label> a = srSte.predict(original);
        Prediction<Label> b = srSte.predict(extended);
        assertEquals(a.getOutputScores(), b.getOutputScores());
        assertEquals(a.getNumActiveFeatures(), b.getNumActiveFeatures());

        ArrayExample<Label> unknown = new ArrayExample<>(new Label("1"), new String[] {"foo", "bar"}, new double[] {1, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> srSte.predict(unknown));
        assertTrue(e.getMessage().contains("none of the model's 64 features"), e.getMessage());
    }

    @Test
    void nonFiniteFeaturesAreRefusedByName() {
        ArrayExample<Label> bad = new ArrayExample<>(new Label("1"), new String[] {"px33", "px34"}, new double[] {1, Double.NaN});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> srSte.predict(bad));
        assertTrue(e.getMessage().contains("'px34' is NaN"), e.getMessage());

        MutableDataset<Label> withInfinity = new MutableDataset<>(new SimpleDataSourceProvenance("bad", new LabelFactory()), new LabelFactory());
        withInfinity.add(new ArrayExample<>(new Label("a"), new String[] {"x"}, new double[] {1}));
        withInfinity.add(new ArrayExample<>(new Label("b"), new String[] {"x"}, new double[] {Double.POSITIVE_INFINITY}));
        IllegalArgumentException training = assertThrows(IllegalArgumentException.class, () -> quick().build().train(withInfinity));
        assertTrue(training.getMessage().contains("example 1: feature 'x' is Infinity"), training.getMessage());
    }

    @Test
    void emptyDatasetsAreRefused() {
        MutableDataset<Label> empty = new MutableDataset<>(new SimpleDataSourceProvenance("empty", new LabelFactory()), new LabelFactory());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> quick().build().train(empty));
        assertTrue(e.getMessage().contains("empty dataset"), e.getMessage());
    }

    @Test
    void divergenceIsReportedNotHidden() {
        NMSparseTrainer<Label> wild = quick().optimizer(new Sgd()).learningRate(1e8)
                .featureScaling(FeatureScaling.NONE).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> wild.train(train));
        assertTrue(e.getMessage().contains("training diverged") && e.getMessage().contains("lower learning rate"), e.getMessage());
        assertTrue(e.getMessage().matches(".*at epoch \\d+, step \\d+.*"), "names the epoch and step: " + e.getMessage());
    }

    @Test
    void badSettingsFailAtConfigurationNamingTheSetting() {
        assertMessage(() -> quick().pattern("4:2").build(), "N must be less than M");
        assertMessage(() -> quick().pattern("2:4:8").build(), "not of the form N:M");
        assertMessage(() -> quick().hiddenSizes(16, 0).build(), "hiddenSizes");
        assertMessage(() -> quick().epochs(-1).build(), "epochs");
        assertMessage(() -> quick().learningRate(-1).build(), "learningRate");
        assertMessage(() -> quick().method(new SrSte(Double.NaN)).build(), "lambdaW must be a finite number >= 0, got NaN");
        assertMessage(() -> quick().method(new io.github.nmsparse.engine.method.Asp(1.5)).build(), "denseFraction must be in [0, 1), got 1.5");
        assertMessage(() -> quick().epochs(2).warmupEpochs(3).build(), "warmupEpochs");
        assertMessage(() -> quick().hiddenSizes().build(), "hiddenSizes must hold at least one hidden width when there are no blocks");
        assertMessage(() -> quick().activation(null).build(), "activation must be one of [RELU, TANH, GELU]");
        assertMessage(() -> quick().method(null).build(), "method must be a training method component");
        assertMessage(() -> quick().featureScaling(null).build(), "featureScaling must be one of");
        assertMessage(() -> quick().optimizer(null).build(), "optimizer must be an optimizer component");
    }

    @Test
    void aBuilderBuildsOnceSoItsTrainerCannotChangeAfterValidation() {
        NMSparseTrainer.Builder<Label> builder = quick().pattern("2:4");
        NMSparseTrainer<Label> trainer = builder.build();
        assertThrows(IllegalStateException.class, () -> builder.pattern("1:8"));
        assertThrows(IllegalStateException.class, builder::build);
        assertTrue(trainer.toString().contains("pattern=2:4"));
    }

    @Test
    void thePluginsRunProvenanceKeysAreReserved() {
        Map<String, com.oracle.labs.mlrg.olcut.provenance.Provenance> caller = Map.of(SparsityProvenance.HISTORY,
                new com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance(SparsityProvenance.HISTORY, "mine"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> quick().build().train(train, caller));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
    }

    private static void assertMessage(Runnable build, String expected) {
        PropertyException e = assertThrows(PropertyException.class, build::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void crossValidationWorks() {
        CrossValidation<Label, LabelEvaluation> cv = new CrossValidation<>(quick().epochs(6).build(), train, new LabelEvaluator(), 3, 1L);
        List<Double> accuracies = new ArrayList<>();
        cv.evaluate().forEach(pair -> accuracies.add(pair.getA().accuracy()));
        assertEquals(3, accuracies.size());
        for (double accuracy : accuracies) {
            assertTrue(accuracy > 0.8, "fold accuracy " + accuracy);
        }
    }
}

package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.nmsparse.engine.CheckpointPolicy;
import io.github.nmsparse.engine.EarlyStopping;
import io.github.nmsparse.engine.EpochRecord;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.network.LayerWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer's validation hold-out, early stopping and training length: what the model's provenance records, seeded
 * bit-identical runs, reproduction from provenance, checkpoint resumes, and settings refused by name.
 */
class ValidationTrainerTest {

    private static NMSparseTrainer.Builder<Label> digits() {
        return NMSparseTrainer.builder(new LabelAdapter()).method(new SrSte()).hiddenSizes(64, 32).batchSize(64).epochs(60)
                .learningRate(5e-3).validation(0.2, 3, EarlyStopping.Monitor.VALIDATION_LOSS).seed(3);
    }

    private static List<EpochRecord> withoutTimes(NMSparseModel<Label> model) {
        return model.history().stream().map(EpochRecord::withoutTime).toList();
    }

    @Test
    void theHoldOutIsMeasuredEveryEpochAndTheStopAndBestEpochAreInTheProvenance() {
        NMSparseModel<Label> model = digits().build().train(ShippedData.digits("train"));
        SparsityProvenance.Length length = SparsityProvenance.length(model.getProvenance());
        assertEquals(287, length.validationRows(), "20% of 1437 rows, rounded");
        assertEquals(1437 - 287, length.trainingRows());
        assertEquals(60, length.epochs());
        assertTrue(length.stoppedAfter() > 0 && length.stoppedAfter() < 60, "stops early on digits: " + length);
        assertEquals(length.stoppedAfter(), length.epochsTrained());
        assertEquals(length.stoppedAfter() - 3, length.bestEpoch());
        List<EpochRecord> history = model.history();
        assertEquals(length.epochsTrained(), history.size());
        EpochRecord best = history.get(length.bestEpoch() - 1);
        assertTrue(best.validationAccuracy() > 0.9, "the best epoch's validation accuracy " + best.validationAccuracy());
        for (EpochRecord r : history) {
            assertTrue(Double.isFinite(r.validationLoss()) && r.validationAccuracy() >= 0 && r.validationAccuracy() <= 1, "epoch " + r.epoch());
            assertTrue(r.validationLoss() >= best.validationLoss(), "epoch " + r.epoch() + " is no better than the best");
        }
        for (LayerWeights layer : model.snapshot().layers()) {
            assertTrue(layer.validity().isValid(), "the best epoch's " + layer + " is N:M-valid");
        }
        assertTrue(new org.tribuo.classification.evaluation.LabelEvaluator().evaluate(model, ShippedData.digits("test")).accuracy() > 0.9);
    }

    @Test
    void seededRunsWithAHoldOutAreBitIdenticalAndReproduceFromProvenance() {
        NMSparseModel<Label> a = digits().build().train(ShippedData.digits("train"));
        NMSparseModel<Label> b = digits().build().train(ShippedData.digits("train"));
        assertEquals(withoutTimes(a), withoutTimes(b));
        for (int i = 0; i < a.snapshot().layers().size(); i++) {
            assertArrayEquals(a.snapshot().layers().get(i).weights(), b.snapshot().layers().get(i).weights(), "layer " + i);
        }
        @SuppressWarnings("unchecked")
        NMSparseModel<Label> loaded = (NMSparseModel<Label>) Model.deserialize(a.serialize());
        Reproducer.Reproduction<Label> reproduction = Reproducer.reproduce(loaded);
        assertTrue(reproduction.isIdentical(), reproduction.report());
        assertEquals(SparsityProvenance.length(a.getProvenance()), SparsityProvenance.length(loaded.getProvenance()));
    }

    @Test
    void aCheckpointedRunWithEarlyStoppingResumesToTheSameModel(@TempDir Path dir) throws IOException {
        NMSparseModel<Label> uninterrupted = digits().build().train(ShippedData.digits("train"));
        CheckpointPolicy policy = new CheckpointPolicy(dir, 2);
        NMSparseModel<Label> first = digits().build().train(ShippedData.digits("train"), policy);
        // The run is over (stopped early); training it again resumes from its last checkpoint, the stop included.
        NMSparseModel<Label> again = digits().build().train(ShippedData.digits("train"), policy);
        for (NMSparseModel<Label> model : List.of(first, again)) {
            assertEquals(withoutTimes(uninterrupted), withoutTimes(model));
            assertEquals(SparsityProvenance.length(uninterrupted.getProvenance()), SparsityProvenance.length(model.getProvenance()));
            List<Prediction<Label>> expected = uninterrupted.predict(ShippedData.digits("test"));
            List<Prediction<Label>> actual = model.predict(ShippedData.digits("test"));
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i).getOutput().getScore(), actual.get(i).getOutput().getScore(), 0.0, "example " + i);
            }
        }
    }

    /**
     * The hold-out measures the model as unseen data would: the input scaling is fitted to the rows trained on, not to
     * the held-out ones. Of 8 rows, 2 are held out; exactly one of the 28 ways to leave 2 rows out gives every
     * feature's fitted mean, and it differs from the mean of all 8.
     */
    @Test
    void theInputScalingIsFittedToTheTrainingRowsAlone() {
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("eight rows", new LabelFactory()), new LabelFactory());
        double[][] values = new double[8][];
        for (int row = 0; row < 8; row++) {
            values[row] = new double[] {row * row, 10.0 - 3 * row, Math.sqrt(row + 1)};
            data.add(new ArrayExample<>(new Label(row % 2 == 0 ? "even" : "odd"), new String[] {"a", "b", "c"}, values[row]));
        }
        NMSparseModel<Label> model = NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(4).epochs(1).batchSize(4)
                .featureScaling(FeatureScaling.STANDARDIZE).validation(0.25, 0, EarlyStopping.Monitor.VALIDATION_LOSS).seed(5)
                .build().train(data);
        float[] fittedMean = model.encoder().shift();
        int matches = 0;
        for (int first = 0; first < 8; first++) {
            for (int second = first + 1; second < 8; second++) {
                boolean all = true;
                for (int feature = 0; feature < 3; feature++) {
                    double sum = 0;
                    for (int row = 0; row < 8; row++) {
                        sum += row == first || row == second ? 0 : values[row][feature];
                    }
                    all &= (float) (sum / 6) == fittedMean[feature];
                }
                matches += all ? 1 : 0;
            }
        }
        assertEquals(1, matches, "left-out pairs whose complement gives the fitted means " + Arrays.toString(fittedMean));
        assertNotEquals((float) (0 + 1 + 4 + 9 + 16 + 25 + 36 + 49) / 8, fittedMean[0], "the mean of all rows");
    }

    @Test
    void withoutAHoldOutTrainingIsSizedToTheDataAndNothingIsHeldOut() {
        NMSparseModel<Label> model = NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(16).minSteps(60).build()
                .train(ShippedData.tabular("wine", "train"));
        SparsityProvenance.Length length = SparsityProvenance.length(model.getProvenance());
        assertEquals(new SparsityProvenance.Length(142, 0, 128, 30, 30, 0, 0), length, "30 epochs give 60 steps already");
        length = SparsityProvenance.length(NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(16).minSteps(100).build()
                .train(ShippedData.tabular("wine", "train")).getProvenance());
        assertEquals(50, length.epochs(), "two steps an epoch: 50 epochs make 100 steps");
        assertTrue(Double.isNaN(model.history().get(0).validationLoss()));
    }

    @Test
    void aBatchLargerThanTheDataTakesAllOfIt() {
        NMSparseModel<Label> model = NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(8).epochs(2).batchSize(1000)
                .validation(0.5, 1, EarlyStopping.Monitor.VALIDATION_ACCURACY).build().train(ShippedData.tabular("wine", "train"));
        assertEquals(71, SparsityProvenance.length(model.getProvenance()).batchSize());
    }

    @Test
    void theSettingsLoadFromAConfigurationFile(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("trainers.xml");
        java.nio.file.Files.writeString(config, """
                <config>
                    <component name="labels" type="io.github.nmsparse.tribuo.LabelAdapter"/>
                    <component name="trainer" type="io.github.nmsparse.tribuo.NMSparseTrainer">
                        <property name="outputAdapter" value="labels"/>
                        <property name="minSteps" value="800"/>
                        <property name="validationFraction" value="0.1"/>
                        <property name="patience" value="5"/>
                        <property name="monitor" value="VALIDATION_ACCURACY"/>
                        <property name="restoreBestEpoch" value="false"/>
                    </component>
                </config>
                """);
        NMSparseTrainer<?> loaded = (NMSparseTrainer<?>) new com.oracle.labs.mlrg.olcut.config.ConfigurationManager(config.toString())
                .lookup("trainer");
        NMSparseTrainer<Label> built = NMSparseTrainer.builder(new LabelAdapter()).minSteps(800)
                .validation(0.1, 5, EarlyStopping.Monitor.VALIDATION_ACCURACY).restoreBestEpoch(false).build();
        assertEquals(built.getProvenance(), loaded.getProvenance());
    }

    @Test
    void badSettingsAreRefusedByName() {
        for (double fraction : new double[] {-0.1, 1, Double.NaN}) {
            PropertyException e = assertThrows(PropertyException.class,
                    () -> NMSparseTrainer.builder(new LabelAdapter()).validation(fraction, 3, EarlyStopping.Monitor.VALIDATION_LOSS).build());
            assertTrue(e.getMessage().contains("validationFraction"), e.getMessage());
        }
        PropertyException e = assertThrows(PropertyException.class,
                () -> NMSparseTrainer.builder(new LabelAdapter()).validation(0.1, -1, EarlyStopping.Monitor.VALIDATION_LOSS).build());
        assertTrue(e.getMessage().contains("patience"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> NMSparseTrainer.builder(new LabelAdapter()).minSteps(0).build());
        assertTrue(e.getMessage().contains("minSteps"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> NMSparseTrainer.builder(new LabelAdapter()).epochs(-1).build());
        assertTrue(e.getMessage().contains("epochs"), e.getMessage());
    }

    @Test
    void regressionCannotMonitorAccuracy() {
        PropertyException e = assertThrows(PropertyException.class, () -> NMSparseTrainer.builder(new RegressorAdapter())
                .hiddenSizes(8).epochs(3).validation(0.2, 2, EarlyStopping.Monitor.VALIDATION_ACCURACY).build());
        assertTrue(e.getMessage().contains("monitor VALIDATION_ACCURACY needs an output type with an accuracy")
                && e.getMessage().contains("monitor VALIDATION_LOSS"), e.getMessage());
        NMSparseModel<?> model = NMSparseTrainer.builder(new RegressorAdapter()).hiddenSizes(8).epochs(3)
                .validation(0.2, 2, EarlyStopping.Monitor.VALIDATION_LOSS).build().train(ShippedData.diabetes("train"));
        assertEquals(71, SparsityProvenance.length(model.getProvenance()).validationRows(), "20% of 354 rows, one stratum");
    }

    @Test
    void modelsFromBeforeTheLengthWasRecordedReadNone() {
        NMSparseModel<Label> model = NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(8).epochs(1).build()
                .train(ShippedData.tabular("wine", "train"));
        assertTrue(SparsityProvenance.length(model.getProvenance()) != null);
        assertNull(SparsityProvenance.length(new org.tribuo.provenance.ModelProvenance(model.getProvenance().getClassName(),
                model.getProvenance().getTrainingTime(), model.getProvenance().getDatasetProvenance(),
                model.getProvenance().getTrainerProvenance(), java.util.Map.of())));
    }
}

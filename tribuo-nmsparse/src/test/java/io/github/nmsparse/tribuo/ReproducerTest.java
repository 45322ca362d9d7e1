package io.github.nmsparse.tribuo;

import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReproducerTest {

    @Test
    void aSavedModelIsRebuiltIdenticallyFromItsProvenance() {
        NMSparseTrainer<Label> trainer = NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(32, 16).epochs(3)
                .batchSize(32).seed(11).build();
        trainer.train(ShippedData.digits("train"));
        // The second model of this trainer: reproduction must also restore the invocation count.
        NMSparseModel<Label> model = trainer.train(ShippedData.digits("train"));
        @SuppressWarnings("unchecked")
        NMSparseModel<Label> loaded = (NMSparseModel<Label>) Model.deserialize(model.serialize());
        Reproducer.Reproduction<Label> reproduction = Reproducer.reproduce(loaded);
        assertTrue(reproduction.isIdentical(), reproduction.report());
        assertTrue(reproduction.sameWeights() && reproduction.sameHistory());
        assertEquals(loaded.history().size(), reproduction.rebuilt().history().size());
        assertTrue(reproduction.report().startsWith("identical"), reproduction.report());
    }

    @Test
    void regressionModelsReproduceToo() {
        NMSparseModel<Regressor> model = NMSparseTrainer.builder(new RegressorAdapter()).hiddenSizes(16).epochs(4)
                .featureScaling(FeatureScaling.STANDARDIZE).build().train(ShippedData.diabetes("train"));
        Reproducer.Reproduction<Regressor> reproduction = Reproducer.reproduce(model);
        assertTrue(reproduction.isIdentical(), reproduction.report());
    }

    @Test
    void differencesAreReportedReadably() {
        NMSparseModel<Label> a = NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(16).epochs(2).seed(1).build()
                .train(ShippedData.digits("train"));
        NMSparseModel<Label> b = NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(16).epochs(2).seed(2).build()
                .train(ShippedData.digits("train"));
        var differences = Reproducer.differences(a.getProvenance(), b.getProvenance());
        assertTrue(differences.stream().anyMatch(d -> d.startsWith("trainer.seed: 1 -> 2")), differences.toString());
        assertTrue(differences.stream().anyMatch(d -> d.startsWith("instance-values.nmsparse.history.[0].loss: ")), differences.toString());
        assertFalse(differences.stream().anyMatch(d -> d.contains("trained-at") || d.contains("nmsparse.timing")), differences.toString());
    }
}

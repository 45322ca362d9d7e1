package io.github.nmsparse.tribuo;

import org.junit.jupiter.api.Test;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.multilabel.MultiLabel;
import org.tribuo.multilabel.evaluation.MultiLabelEvaluation;
import org.tribuo.multilabel.evaluation.MultiLabelEvaluator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiLabelTrainerTest {

    @Test
    void srSteMultiLabelOnDerivedDigitsBeatsTheMostCommonLabelSet() {
        Dataset<MultiLabel> train = ShippedData.digitsMultiLabel("train");
        Dataset<MultiLabel> test = ShippedData.digitsMultiLabel("test");
        NMSparseModel<MultiLabel> model = NMSparseTrainer.builder(new MultiLabelAdapter()).pattern("2:4").build().train(train);
        MultiLabelEvaluation evaluation = new MultiLabelEvaluator().evaluate(model, test);

        Map<Set<String>, Integer> counts = new HashMap<>();
        for (Example<MultiLabel> example : train) {
            counts.merge(example.getOutput().getNameSet(), 1, Integer::sum);
        }
        Set<String> common = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        double baseline = 0;
        for (Example<MultiLabel> example : test) {
            Set<String> truth = example.getOutput().getNameSet();
            long both = truth.stream().filter(common::contains).count();
            baseline += (double) both / (truth.size() + common.size() - both);
        }
        baseline /= test.size();
        assertTrue(evaluation.jaccardScore() >= 0.85, "Jaccard " + evaluation.jaccardScore());
        assertTrue(evaluation.jaccardScore() > baseline + 0.3, "Jaccard " + evaluation.jaccardScore() + " against " + baseline);
        assertTrue(model.snapshot().layers().get(0).validity().isValid());

        Prediction<MultiLabel> first = model.predict(test.getExample(0));
        assertEquals(5, first.getOutputScores().size(), "a probability for each of the five labels");
        for (MultiLabel score : first.getOutputScores().values()) {
            double p = score.getLabelSet().iterator().next().getScore();
            assertTrue(p >= 0 && p <= 1, "probability " + p);
        }
    }

    @Test
    void multiLabelModelsSaveAndLoadWithTheirThreshold() {
        NMSparseTrainer<MultiLabel> trainer = NMSparseTrainer.builder(new MultiLabelAdapter()).hiddenSizes(32).epochs(3).build();
        NMSparseModel<MultiLabel> model = trainer.train(ShippedData.digitsMultiLabel("train"));
        @SuppressWarnings("unchecked")
        Model<MultiLabel> loaded = (Model<MultiLabel>) Model.deserialize(model.serialize());
        List<Prediction<MultiLabel>> a = model.predict(ShippedData.digitsMultiLabel("test"));
        List<Prediction<MultiLabel>> b = loaded.predict(ShippedData.digitsMultiLabel("test"));
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).getOutput().getNameSet(), b.get(i).getOutput().getNameSet());
            assertEquals(a.get(i).getOutputScores(), b.get(i).getOutputScores());
        }
    }

    @Test
    void derivedLabelsFollowTheDigit() {
        assertEquals(Set.of("even", "loop"), names(0));
        assertEquals(Set.of("odd"), names(1));
        assertEquals(Set.of("odd", "prime", "large"), names(7));
        assertEquals(Set.of("odd", "large", "loop"), names(9));
    }

    private static Set<String> names(int digit) {
        Set<String> names = new java.util.HashSet<>();
        for (Label label : ShippedData.digitLabels(digit)) {
            names.add(label.getLabel());
        }
        return names;
    }
}

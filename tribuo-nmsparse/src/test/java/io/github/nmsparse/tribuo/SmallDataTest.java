package io.github.nmsparse.tribuo;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ready-made classification components on the small classification sets in datasets/, trained as a new user
 * would (tabular features standardized by Tribuo's TransformTrainer, the components' own settings), as a mean of 3
 * seeds: each reaches scikit-learn's tuned MLP minus half a point, and 2:4 SR-STE is within a point of dense.
 */
class SmallDataTest {

    /**
     * scikit-learn 1.2.1's MLPClassifier((256, 128)), alpha and learning rate chosen by 5-fold cross-validation on the
     * training split, test accuracy as a mean of 3 seeds: {@code /usr/bin/python3 scripts/sklearn_reference.py}
     * (BENCHMARKS.md, "Small tabular sets").
     */
    private static final Map<String, Double> SKLEARN_MLP = Map.of("breast-cancer", 0.9561, "wine", 1.0, "digits", 0.9741);

    @Tag("accuracy")
    @Test
    void theReadyMadeComponentsMatchATunedScikitLearnMlp() {
        StringBuilder figures = new StringBuilder();
        for (String set : SmallDataAccuracy.SETS) {
            Map<String, Double> means = new LinkedHashMap<>();
            for (String component : SmallDataAccuracy.COMPONENTS) {
                double sum = 0;
                for (long seed = 1; seed <= SmallDataAccuracy.SEEDS; seed++) {
                    sum += SmallDataAccuracy.accuracy(component, set, seed, Map.of());
                }
                means.put(component, sum / SmallDataAccuracy.SEEDS);
            }
            figures.append(set).append(' ').append(means).append('\n');
            for (Map.Entry<String, Double> mean : means.entrySet()) {
                assertTrue(mean.getValue() >= SKLEARN_MLP.get(set) - 0.005, set + ": " + mean.getKey() + " reaches " + mean.getValue()
                        + ", below scikit-learn's MLP " + SKLEARN_MLP.get(set) + " minus half a point\n" + figures);
            }
            assertTrue(means.get("mlp-sr-ste-2-4") >= means.get("mlp-dense") - 0.01, set + ": SR-STE 2:4 is more than a point below dense\n" + figures);
        }
    }
}

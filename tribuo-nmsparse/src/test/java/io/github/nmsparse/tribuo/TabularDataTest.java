package io.github.nmsparse.tribuo;

import org.junit.jupiter.api.Test;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The small tabular sets in datasets/ are what datasets/README.md says they are: rows, features and a stratified split
 * (each class's share of the test split within one row of its share of the training split).
 */
class TabularDataTest {

    private static Map<String, Long> counts(Dataset<Label> data) {
        Map<String, Long> counts = new TreeMap<>();
        data.getOutputInfo().outputCountsIterable().forEach(p -> counts.put(p.getA(), p.getB()));
        return counts;
    }

    private static void assertShipped(String name, int trainRows, int testRows, int features, Map<String, Long> trainClasses) {
        Dataset<Label> train = ShippedData.tabular(name, "train");
        Dataset<Label> test = ShippedData.tabular(name, "test");
        assertEquals(trainRows, train.size(), name);
        assertEquals(testRows, test.size(), name);
        assertEquals(features, train.getFeatureMap().size(), name);
        assertEquals(trainClasses, counts(train), name);
        Map<String, Long> testClasses = counts(test);
        for (Map.Entry<String, Long> c : trainClasses.entrySet()) {
            double expected = (double) c.getValue() * testRows / trainRows;
            assertEquals(expected, testClasses.get(c.getKey()), 1.0, name + " " + c.getKey() + ": a stratified split");
        }
    }

    @Test
    void breastCancerAndWineAreAsDocumented() {
        assertShipped("breast-cancer", 455, 114, 30, Map.of("benign", 285L, "malignant", 170L));
        assertShipped("wine", 142, 36, 13, Map.of("class_0", 47L, "class_1", 57L, "class_2", 38L));
    }
}

package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.property.SimpleProperty;
import org.tribuo.Dataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.transformations.MeanStdDevTransformation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Test accuracy of the ready-made classification components on the small classification sets in datasets/, as a new
 * user trains them: features standardized by Tribuo's {@link TransformTrainer} with {@link MeanStdDevTransformation},
 * the component's own settings, seeds 1 to 3. {@code SmallDataTest} asserts the bars; this prints the figures for
 * BENCHMARKS.md, and takes {@code setting=value} arguments that override every component's settings, to try others.
 * Run: {@code mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test
 * -Dexec.mainClass=io.github.nmsparse.tribuo.SmallDataAccuracy -Dnmsparse.args='[setting=value ...]'}
 */
public final class SmallDataAccuracy {

    /** The ready-made classification components of plugin-descriptor/ that the small-data bars hold for. */
    static final List<String> COMPONENTS = List.of("mlp-dense", "mlp-ste-2-4", "mlp-sr-ste-2-4");
    /** The small classification sets of datasets/. */
    static final List<String> SETS = List.of("breast-cancer", "wine", "digits");
    static final int SEEDS = 3;

    private SmallDataAccuracy() {
    }

    /**
     * @param set       a name in {@link #SETS}
     * @param split     "train" or "test"
     * @return the shipped split
     */
    static Dataset<Label> load(String set, String split) {
        return set.equals("digits") ? ShippedData.digits(split) : ShippedData.tabular(set, split);
    }

    /**
     * Trains one component on one set with one seed, standardized through Tribuo's TransformTrainer.
     *
     * @param component a component name of plugin-descriptor/nmsparse-trainers.xml
     * @param set       a name in {@link #SETS}
     * @param seed      the trainer's seed
     * @param overrides settings to change from the component's
     * @return the test accuracy
     */
    @SuppressWarnings("unchecked")
    static double accuracy(String component, String set, long seed, Map<String, String> overrides) {
        ConfigurationManager cm = new ConfigurationManager(PluginDescriptorTest.CONFIG);
        cm.overrideConfigurableProperty(component, "seed", new SimpleProperty(Long.toString(seed)));
        overrides.forEach((name, value) -> cm.overrideConfigurableProperty(component, name, new SimpleProperty(value)));
        Trainer<Label> trainer = new TransformTrainer<>((Trainer<Label>) cm.lookup(component),
                new TransformationMap(List.of(new MeanStdDevTransformation())));
        return new LabelEvaluator().evaluate(trainer.train(load(set, "train")), load(set, "test")).accuracy();
    }

    /**
     * @param args {@code setting=value} overrides for every component
     */
    public static void main(String[] args) {
        Map<String, String> overrides = new java.util.LinkedHashMap<>();
        for (String arg : args) {
            String[] parts = arg.split("=", 2);
            overrides.put(parts[0], parts[1]);
        }
        System.out.println("overrides: " + overrides);
        System.out.println("| set | component | seeds 1, 2, 3 | mean | seconds |");
        System.out.println("|---|---|---|---|---|");
        for (String set : SETS) {
            for (String component : COMPONENTS) {
                long start = System.nanoTime();
                List<String> each = new ArrayList<>();
                double sum = 0;
                for (long seed = 1; seed <= SEEDS; seed++) {
                    double accuracy = accuracy(component, set, seed, overrides);
                    sum += accuracy;
                    each.add(String.format(Locale.ROOT, "%.2f", 100 * accuracy));
                }
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %.1f |%n", set, component, String.join(", ", each),
                        100 * sum / SEEDS, (System.nanoTime() - start) / 1e9);
            }
        }
    }
}

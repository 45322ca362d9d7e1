package io.github.nmsparse.experiment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.nmsparse.core.NMPattern;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A grid of training runs: methods x N:M patterns x seeds, plus a sweep of lambda_w at one pattern by each method
 * that has it (SR-STE, decoupled SR-STE), each at every learning rate tried (or the trainer's own). Every run starts
 * from one trainer component and changes its method (with the grid's settings for it), pattern, seed, learning rate
 * and, for the sweep, lambda_w. A method without masks (DENSE) runs once per seed, since it has
 * no pattern. To choose a setting such as the learning rate, a grid can evaluate on a held-out share of the training
 * data ({@code validation}) instead of the test data, which it then never reads.
 */
public final class ExperimentGrid implements Configurable {

    @Config(description = "Name of the trainer component every run starts from, in the same configuration or the plugin's.")
    private String trainer = "mlp-sr-ste-2-4";

    @Config(description = "Training methods to compare, by name: DENSE, STE, SR_STE, SR_STE_DECOUPLED, ASP (see Method.ALL).")
    private List<String> methods = List.of("DENSE", "STE", "SR_STE", "ASP");

    @Config(description = "N:M patterns of the sparse methods.")
    private List<String> patterns = List.of("2:4", "4:8", "1:4", "2:8", "1:8", "1:16");

    @Config(description = "Runs per cell, seeded firstSeed, firstSeed + 1, ...")
    private int seeds = 3;

    @Config(description = "Seed of each cell's first run.")
    private long firstSeed = 1;

    @Config(description = "lambda_w values run at sweepPattern besides the trainer's own, by each listed method that has a lambda_w; empty for no sweep.")
    private double[] lambdaSweep = {2e-5, 2e-3, 2e-2};

    @Config(description = "The N:M pattern of the lambda_w sweep.")
    private String sweepPattern = "2:4";

    @Config(description = "Settings of the methods' components, keyed METHOD.setting (e.g. SR_STE_DECOUPLED.lambdaW), for every run of that method, if the grid runs it; a sweep run's lambda_w still wins.")
    private Map<String, String> methodSettings = Map.of();

    @Config(description = "Learning rates to try, each run at each; empty keeps the trainer's own.")
    private double[] learningRates = {};

    @Config(description = "Share of the training data held out to evaluate on instead of the test data, which is then not read; 0 evaluates on the test data.")
    private double validation = 0;

    @Config(description = "Epochs of every run; 0 keeps the trainer's own.")
    private int epochs = 0;

    @Config(description = "Training data: a .csv file or an IDX images file, relative to the working directory.")
    private String train = "datasets/mnist-10k/train-images-idx3-ubyte.gz";

    @Config(description = "Test data, in the same format as the training data.")
    private String test = "datasets/mnist-10k/test-images-idx3-ubyte.gz";

    @Config(description = "CSV data only: the name of the response column.")
    private String response;

    /** For OLCUT. */
    private ExperimentGrid() {
    }

    /**
     * @throws PropertyException naming the bad setting
     */
    @Override
    public void postConfig() {
        require(trainer != null && !trainer.isBlank(), "trainer", "must name a trainer component");
        require(methods != null && !methods.isEmpty(), "methods", "must list at least one method");
        for (String method : methods) {
            try {
                Method.named(method);
            } catch (IllegalArgumentException e) {
                throw new PropertyException(e, "", "methods", "methods: " + e.getMessage());
            }
        }
        require(patterns != null, "patterns", "must be a list");
        require(!patterns.isEmpty() || methods.stream().map(Method::named).noneMatch(Method::masksLayers), "patterns",
                "must list at least one pattern for the sparse methods");
        for (String pattern : patterns) {
            parse("patterns", pattern);
        }
        parse("sweepPattern", sweepPattern);
        require(seeds >= 1, "seeds", "must be at least 1, got " + seeds);
        require(lambdaSweep != null && Arrays.stream(lambdaSweep).allMatch(l -> l >= 0 && Double.isFinite(l)), "lambdaSweep",
                "must hold finite numbers >= 0, got " + Arrays.toString(lambdaSweep));
        for (String key : methodSettings.keySet()) {
            int dot = key.indexOf('.');
            require(dot > 0 && dot < key.length() - 1, "methodSettings", "keys must read METHOD.setting, got '" + key + "'");
            Method method;
            try {
                method = Method.named(key.substring(0, dot));
            } catch (IllegalArgumentException e) {
                throw new PropertyException(e, "", "methodSettings", "methodSettings: " + e.getMessage());
            }
            require(TrainerSettings.settings(method.type().getName()).contains(key.substring(dot + 1)), "methodSettings",
                    "key '" + key + "': " + method + " has no setting '" + key.substring(dot + 1) + "' (its settings: "
                            + TrainerSettings.settings(method.type().getName()) + ")");
            if (key.endsWith(".lambdaW")) {
                try {
                    Double.parseDouble(methodSettings.get(key));
                } catch (NumberFormatException e) {
                    throw new PropertyException(e, "", "methodSettings", "methodSettings: " + key + " is not a number: '"
                            + methodSettings.get(key) + "'");
                }
            }
        }
        require(learningRates != null && Arrays.stream(learningRates).allMatch(r -> r > 0 && Double.isFinite(r)), "learningRates",
                "must hold finite numbers > 0, got " + Arrays.toString(learningRates));
        require(validation >= 0 && validation < 1, "validation", "must be in [0, 1), got " + validation);
        require(epochs >= 0, "epochs", "must be 0 (the trainer's own) or more, got " + epochs);
        require(train != null && test != null, "train", "train and test data must be given");
    }

    private static void parse(String field, String pattern) {
        try {
            NMPattern.parse(pattern);
        } catch (IllegalArgumentException e) {
            throw new PropertyException(e, "", field, field + " holds a bad pattern: " + e.getMessage());
        }
    }

    private static void require(boolean condition, String field, String message) {
        if (!condition) {
            throw new PropertyException("", field, field + " " + message);
        }
    }

    /**
     * The runs, seed by seed: a grid cut short still covers every cell once before any cell twice.
     *
     * @return every run of the grid, sweep included
     */
    public List<RunSpec> runs() {
        List<RunSpec> runs = new ArrayList<>();
        double[] rates = learningRates.length == 0 ? new double[] {Double.NaN} : learningRates;
        for (int s = 0; s < seeds; s++) {
            long seed = firstSeed + s;
            for (double rate : rates) {
                for (Method method : methods.stream().map(Method::named).toList()) {
                    if (!method.masksLayers()) {
                        runs.add(new RunSpec(method, "dense", Double.NaN, rate, seed));
                        continue;
                    }
                    for (String pattern : patterns) {
                        runs.add(new RunSpec(method, pattern, Double.NaN, rate, seed));
                    }
                }
                for (Method method : methods.stream().map(Method::named).filter(Method::hasLambdaW).toList()) {
                    for (double lambda : lambdaSweep) {
                        if (lambda != ownLambdaW(method)) {
                            runs.add(new RunSpec(method, sweepPattern, lambda, rate, seed));
                        }
                    }
                }
            }
        }
        return runs;
    }

    /** @return the methods' component settings, by method name, then by setting, in a stable order */
    public Map<String, Map<String, String>> methodSettings() {
        Map<String, Map<String, String>> byMethod = new TreeMap<>();
        methodSettings.forEach((key, value) -> byMethod.computeIfAbsent(key.substring(0, key.indexOf('.')), k -> new TreeMap<>())
                .put(key.substring(key.indexOf('.') + 1), value));
        return byMethod;
    }

    /** @return the trainer component's name */
    public String trainer() {
        return trainer;
    }

    /** @return the epochs of every run, or 0 for the trainer's own */
    public int epochs() {
        return epochs;
    }

    /** @return the share of the training data held out to evaluate on, or 0 to evaluate on the test data */
    public double validation() {
        return validation;
    }

    /**
     * @return the lambda_w this grid's methodSettings give the method, or NaN: a sweep value equal to it would only
     *         repeat the method's own cell
     */
    private double ownLambdaW(Method method) {
        String value = methodSettings.get(method.name() + ".lambdaW");
        return value == null ? Double.NaN : Double.parseDouble(value);
    }

    /**
     * @return what the runs are evaluated on, as the directory's settings file records it: "test FILE", or
     *         "validation SHARE of the training data, seed SEED"
     */
    public String evaluatedOn() {
        return validation == 0 ? "test " + test : "validation " + validation + " of the training data, seed " + firstSeed;
    }

    /** @return the seed of the validation hold-out: the first run's, so every run of the grid holds out the same rows */
    public long validationSeed() {
        return firstSeed;
    }

    /** @return the training data file */
    public String train() {
        return train;
    }

    /** @return the CSV response column, or null for IDX data */
    public String response() {
        return response;
    }

    /** @return the test data file */
    public String test() {
        return test;
    }
}

package io.github.nmsparse.experiment;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import io.github.nmsparse.core.NMPattern;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A grid of training runs: methods x N:M patterns x seeds, plus a sweep of SR-STE's lambda_w at one pattern.
 * Every run starts from one trainer component and changes its method, pattern, seed and, for the sweep,
 * lambda_w. A method without masks (DENSE) runs once per seed, since it has no pattern.
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

    @Config(description = "SR-STE lambda_w values run at sweepPattern besides the trainer's own; empty for no sweep.")
    private double[] lambdaSweep = {2e-5, 2e-3, 2e-2};

    @Config(description = "The N:M pattern of the lambda_w sweep.")
    private String sweepPattern = "2:4";

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
        for (int s = 0; s < seeds; s++) {
            long seed = firstSeed + s;
            for (Method method : methods.stream().map(Method::named).toList()) {
                if (!method.masksLayers()) {
                    runs.add(new RunSpec(method, "dense", Double.NaN, seed));
                    continue;
                }
                for (String pattern : patterns) {
                    runs.add(new RunSpec(method, pattern, Double.NaN, seed));
                }
            }
            for (double lambda : lambdaSweep) {
                runs.add(new RunSpec(Method.SR_STE, sweepPattern, lambda, seed));
            }
        }
        return runs;
    }

    /** @return the trainer component's name */
    public String trainer() {
        return trainer;
    }

    /** @return the epochs of every run, or 0 for the trainer's own */
    public int epochs() {
        return epochs;
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

package io.github.nmsparse.cli;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.Option;
import com.oracle.labs.mlrg.olcut.config.Options;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.config.UsageException;
import com.oracle.labs.mlrg.olcut.config.property.ListProperty;
import com.oracle.labs.mlrg.olcut.config.property.Property;
import com.oracle.labs.mlrg.olcut.config.property.SimpleProperty;
import io.github.nmsparse.experiment.ExperimentGrid;
import io.github.nmsparse.experiment.ExperimentRunner;
import io.github.nmsparse.experiment.ResultTable;
import io.github.nmsparse.experiment.RunResult;
import io.github.nmsparse.report.ResultsDocument;
import io.github.nmsparse.spark.SparkJob;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code experiment}: runs a grid of trainings (methods x patterns x seeds, and a lambda_w sweep), resumably, and
 * writes the results table as CSV and Markdown; optionally a results document with the paper's claims checked.
 */
public final class Experiment {

    /** The plugin's ready-made grids, packaged from plugin-descriptor/. */
    static final String GRID_CONFIG = "/plugin-descriptor/nmsparse-experiments.xml";

    /** Held so that the level set on it stays: java.util.logging keeps loggers only weakly. */
    private static final java.util.logging.Logger EPOCH_LOG = java.util.logging.Logger.getLogger("io.github.nmsparse");

    private Experiment() {
    }

    /** Command-line options. Grid settings left unset keep the configured component's values. */
    public static final class ExperimentOptions implements Options {
        @Override
        public String getOptionsDescription() {
            return "Runs a grid of N:M trainings, resumable, and tabulates them; -c adds OLCUT configuration files.";
        }

        /** Grid component. */
        @Option(longName = "grid", usage = "Grid component: from the -c configuration if there, else from plugin-descriptor/nmsparse-experiments.xml.")
        public String grid = "paper-grid";
        /** Output directory. */
        @Option(longName = "out", usage = "Directory of the runs and tables; finished runs in it are not run again.")
        public Path out = Path.of("experiments/paper-grid");
        /** Results document. */
        @Option(longName = "results-doc", usage = "Also write a Markdown results document here (charts go to results/ beside it).")
        public Path resultsDoc;
        /** Spark master. */
        @Option(longName = "spark-master", usage = "Run the grid's runs as Apache Spark tasks on this master, e.g. local[2] or spark://host:7077 (README, \"Scaling out\").")
        public String sparkMaster;
        /** Override. */
        @Option(longName = "methods", usage = "Override the methods, comma-separated, from DENSE,STE,SR_STE,SR_STE_DECOUPLED,ASP.")
        public List<String> methods;
        /** Override. */
        @Option(longName = "patterns", usage = "Override the N:M patterns, comma-separated, e.g. 2:4,1:8.")
        public List<String> patterns;
        /** Override. */
        @Option(longName = "seeds", usage = "Override the runs per cell.")
        public String seeds;
        /** Override. */
        @Option(longName = "epochs", usage = "Override the epochs of every run.")
        public String epochs;
        /** Override. */
        @Option(longName = "lambda-sweep", usage = "Override the swept SR-STE lambda_w values, comma-separated; 'none' for no sweep.")
        public List<String> lambdaSweep;
        /** Override. */
        @Option(longName = "train", usage = "Override the training data file.")
        public String train;
        /** Override. */
        @Option(longName = "test", usage = "Override the test data file.")
        public String test;
        /** Override. */
        @Option(longName = "response", usage = "CSV data only: the name of the response column.")
        public String response;

        Map<String, Property> overrides() {
            Map<String, Property> overrides = new LinkedHashMap<>();
            if (methods != null) {
                overrides.put("methods", ListProperty.createFromStringList(methods));
            }
            if (patterns != null) {
                overrides.put("patterns", ListProperty.createFromStringList(patterns));
            }
            if (lambdaSweep != null) {
                overrides.put("lambdaSweep", ListProperty.createFromStringList(
                        lambdaSweep.equals(List.of("none")) ? List.of() : lambdaSweep));
            }
            put(overrides, "seeds", seeds);
            put(overrides, "epochs", epochs);
            put(overrides, "train", train);
            put(overrides, "test", test);
            put(overrides, "response", response);
            return overrides;
        }

        private static void put(Map<String, Property> overrides, String field, String value) {
            if (value != null) {
                overrides.put(field, new SimpleProperty(value));
            }
        }
    }

    static void main(String[] args) {
        TrainTest.ConsoleLogging.install();
        // A grid runs dozens of trainings: its own progress lines replace the per-epoch log.
        EPOCH_LOG.setLevel(java.util.logging.Level.WARNING);
        ExperimentOptions options = new ExperimentOptions();
        try (ConfigurationManager cm = new ConfigurationManager(args, options)) {
            run(options, configFiles(args), System.out, String.join(" ", args));
        } catch (UsageException e) {
            System.out.println(e.getMessage());
        } catch (IOException | IllegalArgumentException | IllegalStateException | PropertyException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static List<RunResult> run(ExperimentOptions options, List<URL> userConfigs, PrintStream out, String arguments) throws IOException {
        List<URL> configurations = new ArrayList<>();
        configurations.add(Experiment.class.getResource(TrainTest.PLUGIN_CONFIG));
        configurations.add(Experiment.class.getResource(GRID_CONFIG));
        configurations.addAll(userConfigs);
        ConfigurationManager cm = new ConfigurationManager();
        for (URL configuration : configurations) {
            cm.addProperties(configuration);
        }
        if (!cm.containsConfigurable(options.grid)) {
            throw new IllegalArgumentException("no grid component named '" + options.grid + "' in " + configurations);
        }
        for (Map.Entry<String, Property> override : options.overrides().entrySet()) {
            cm.overrideConfigurableProperty(options.grid, override.getKey(), override.getValue());
        }
        Object component = cm.lookup(options.grid);
        if (!(component instanceof ExperimentGrid grid)) {
            throw new IllegalArgumentException("component '" + options.grid + "' is a " + component.getClass().getName()
                    + ", not an ExperimentGrid");
        }
        out.printf("Experiment '%s': %d runs into %s%n", options.grid, grid.runs().size(), options.out);
        ExperimentRunner runner = new ExperimentRunner(grid, configurations, options.out, out);
        List<RunResult> results;
        if (options.sparkMaster == null) {
            results = runner.run();
        } else {
            try (SparkJob spark = SparkJob.start(options.sparkMaster, "nmsparse experiment " + options.grid, Map.of())) {
                results = runner.run(spark);
            }
        }
        ResultTable table = new ResultTable(results);
        Files.writeString(options.out.resolve("results.csv"), table.csv(), StandardCharsets.UTF_8);
        Files.writeString(options.out.resolve("results.md"), table.markdown(), StandardCharsets.UTF_8);
        out.printf("%n%s%nWrote %s and %s.%n", table.markdown(), options.out.resolve("results.csv"), options.out.resolve("results.md"));
        if (options.resultsDoc != null) {
            String command = "mvn -q compile exec:exec -Dnmsparse.args=\"experiment " + arguments + "\"";
            String setting = String.format("the trainer component '%s' (%s), epochs %s, trained on %s and tested on %s.",
                    grid.trainer(), runner.baseTrainer(), grid.epochs() == 0 ? "as configured" : grid.epochs(),
                    grid.train(), grid.test());
            ResultsDocument.write(results, options.resultsDoc, command, setting);
            out.printf("Wrote %s.%n", options.resultsDoc);
        }
        return results;
    }

    /**
     * OLCUT loads -c files into its manager but does not hand their addresses back, and each run needs a fresh
     * manager, so the files are read from the arguments again.
     */
    static List<URL> configFiles(String[] args) throws java.net.MalformedURLException {
        List<URL> files = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("-c") || args[i].equals("--config-file")) {
                for (String file : args[i + 1].split(",")) {
                    files.add(Path.of(file).toUri().toURL());
                }
            }
        }
        return files;
    }
}

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
import io.github.nmsparse.experiment.ExperimentStudy;
import io.github.nmsparse.experiment.ResultTable;
import io.github.nmsparse.experiment.RunResult;
import io.github.nmsparse.report.ResultsDocument;
import io.github.nmsparse.report.StudyDocument;
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
 * writes the results table as CSV and Markdown; optionally a results document with the paper's claims checked. With
 * {@code --study}, runs several grids, each a setting, and writes a report comparing the claims across them.
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
        /** Study component. */
        @Option(longName = "study", usage = "Study component: several grids, each a setting, run one after another into --out/<grid>, "
                + "their claims compared side by side in the results document. The grid overrides apply to every grid.")
        public String study;
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
        @Option(longName = "learning-rates", usage = "Override the learning rates tried, comma-separated; 'none' for the trainer's own.")
        public List<String> learningRates;
        /** Override. */
        @Option(longName = "validation", usage = "Evaluate on this share of the training data, held out, instead of the test data (e.g. 0.1); 0 for the test data.")
        public String validation;
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
            if (learningRates != null) {
                overrides.put("learningRates", ListProperty.createFromStringList(
                        learningRates.equals(List.of("none")) ? List.of() : learningRates));
            }
            put(overrides, "validation", validation);
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
        String command = "mvn -q compile exec:exec -Dnmsparse.args=\"experiment " + arguments + "\"";
        if (options.study != null) {
            return runStudy(options, configurations, out, command);
        }
        Grid grid = grid(options, configurations, options.grid, options.out, out);
        List<RunResult> results = runGrid(options, grid, options.out, out);
        if (options.resultsDoc != null) {
            ResultsDocument.write(results, options.resultsDoc, command, grid.setting());
            out.printf("Wrote %s.%n", options.resultsDoc);
        }
        return results;
    }

    /** A grid component, with the command line's overrides applied, and what its runs start from. */
    private record Grid(String name, ExperimentGrid grid, ExperimentRunner runner) {

        /** @return the trainer and data every run starts from, in words */
        String setting() {
            String evaluation = grid.validation() == 0 ? "tested on " + grid.test()
                    : String.format(java.util.Locale.ROOT, "evaluated on a held-out %.0f%% of it (seed %d), the test data not read; "
                    + "'test accuracy' below is that validation accuracy", 100 * grid.validation(), grid.validationSeed());
            return String.format("the trainer component '%s' (%s), epochs %s, trained on %s and %s.", grid.trainer(), runner.baseTrainer(),
                    grid.epochs() == 0 ? "as configured" : grid.epochs(), grid.train(), evaluation);
        }
    }

    private static ConfigurationManager manager(List<URL> configurations) {
        ConfigurationManager cm = new ConfigurationManager();
        for (URL configuration : configurations) {
            cm.addProperties(configuration);
        }
        return cm;
    }

    private static Grid grid(ExperimentOptions options, List<URL> configurations, String name, Path directory, PrintStream out) {
        ConfigurationManager cm = manager(configurations);
        if (!cm.containsConfigurable(name)) {
            throw new IllegalArgumentException("no grid component named '" + name + "' in " + configurations);
        }
        for (Map.Entry<String, Property> override : options.overrides().entrySet()) {
            cm.overrideConfigurableProperty(name, override.getKey(), override.getValue());
        }
        Object component = cm.lookup(name);
        if (!(component instanceof ExperimentGrid grid)) {
            throw new IllegalArgumentException("component '" + name + "' is a " + component.getClass().getName() + ", not an ExperimentGrid");
        }
        return new Grid(name, grid, new ExperimentRunner(grid, configurations, directory, out));
    }

    private static List<RunResult> runGrid(ExperimentOptions options, Grid grid, Path directory, PrintStream out) throws IOException {
        out.printf("Experiment '%s': %d runs into %s%n", grid.name(), grid.grid().runs().size(), directory);
        List<RunResult> results;
        if (options.sparkMaster == null) {
            results = grid.runner().run();
        } else {
            try (SparkJob spark = SparkJob.start(options.sparkMaster, "nmsparse experiment " + grid.name(), Map.of())) {
                results = grid.runner().run(spark);
            }
        }
        ResultTable table = new ResultTable(results);
        Files.writeString(directory.resolve("results.csv"), table.csv(), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("results.md"), table.markdown(), StandardCharsets.UTF_8);
        out.printf("%n%s%nWrote %s and %s.%n", table.markdown(), directory.resolve("results.csv"), directory.resolve("results.md"));
        return results;
    }

    private static List<RunResult> runStudy(ExperimentOptions options, List<URL> configurations, PrintStream out, String command)
            throws IOException {
        ConfigurationManager cm = manager(configurations);
        if (!cm.containsConfigurable(options.study)) {
            throw new IllegalArgumentException("no study component named '" + options.study + "' in " + configurations);
        }
        Object component = cm.lookup(options.study);
        if (!(component instanceof ExperimentStudy study)) {
            throw new IllegalArgumentException("component '" + options.study + "' is a " + component.getClass().getName()
                    + ", not an ExperimentStudy");
        }
        // Every grid's trainers are built, and the discussion read, before any run: a bad setting is refused before an
        // hour of training, not after.
        List<Grid> grids = new ArrayList<>();
        for (String name : study.grids()) {
            Grid grid = grid(options, configurations, name, options.out.resolve(name), out);
            grid.runner().check();
            grids.add(grid);
        }
        String discussion = "";
        if (!study.discussion().isEmpty() && options.resultsDoc != null) {
            Path file = Path.of(study.discussion());
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("the study's discussion file " + file.toAbsolutePath() + " does not exist");
            }
            discussion = Files.readString(file, StandardCharsets.UTF_8);
        }
        List<StudyDocument.Setting> settings = new ArrayList<>();
        List<RunResult> all = new ArrayList<>();
        for (int i = 0; i < grids.size(); i++) {
            Grid grid = grids.get(i);
            List<RunResult> results = runGrid(options, grid, options.out.resolve(grid.name()), out);
            settings.add(new StudyDocument.Setting(study.label(i), grid.name(), grid.setting(), results));
            all.addAll(results);
        }
        if (options.resultsDoc != null) {
            StudyDocument.write(settings, options.resultsDoc, command, discussion);
            out.printf("Wrote %s.%n", options.resultsDoc);
        }
        return all;
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

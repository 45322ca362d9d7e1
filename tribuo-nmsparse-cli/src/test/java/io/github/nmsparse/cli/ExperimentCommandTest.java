package io.github.nmsparse.cli;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentCommandTest {

    @Test
    void theExperimentCommandWritesTablesAndAResultsDocumentThatReportCanFollow(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("exp");
        Path doc = dir.resolve("docs").resolve("RESULTS.md");
        String[] args = {"-c", "tribuo-nmsparse-cli/src/test/resources/experiments/digits-grids.xml", "--grid", "digits-grid", "--seeds", "1",
                "--methods", "STE,SR_STE", "--epochs", "4", "--out", out.toString(), "--results-doc", doc.toString()};
        Experiment.ExperimentOptions options = new Experiment.ExperimentOptions();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConfigurationManager cm = new ConfigurationManager(args, options)) {
            Experiment.run(options, Experiment.configFiles(args), new PrintStream(bytes, true, StandardCharsets.UTF_8), String.join(" ", args));
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("Experiment 'digits-grid': 3 runs"), printed);
        assertEquals(4, Files.readAllLines(out.resolve("results.csv")).size(), "a header and three cells");
        assertTrue(Files.readString(out.resolve("results.md")).contains("| SR_STE | 2:4 | 0.002 | 1 |"));
        String results = Files.readString(doc);
        assertTrue(results.contains("## The claims") && results.contains("![accuracy vs sparsity](results/accuracy-vs-sparsity.png)"), results);
        assertTrue(results.contains("experiment -c tribuo-nmsparse-cli/src/test/resources/experiments/digits-grids.xml --grid digits-grid"), "the command to regenerate it");
        assertTrue(Files.isRegularFile(doc.resolveSibling("results").resolve("accuracy-vs-sparsity.png")));
        assertTrue(Files.isRegularFile(doc.resolveSibling("results").resolve("index.html")));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path page = Report.run(out, dir.resolve("report"), new PrintStream(log, true, StandardCharsets.UTF_8));
        assertTrue(Files.readString(page).contains("tribuo-nmsparse experiment report: exp"));
        Path model = out.resolve("runs").resolve("SR_STE-2of4-seed1").resolve("model.nmsparse");
        Path modelPage = Report.run(model, dir.resolve("model-report"), new PrintStream(log, true, StandardCharsets.UTF_8));
        assertTrue(Files.readString(modelPage).contains("tribuo-nmsparse model report: model.nmsparse"));
        IllegalArgumentException nothing = assertThrows(IllegalArgumentException.class,
                () -> Report.run(dir.resolve("missing"), dir.resolve("x"), System.out));
        assertTrue(nothing.getMessage().contains("give a model file or an experiment directory"), nothing.getMessage());
    }

    @Test
    void anUnknownGridIsNamed() {
        Experiment.ExperimentOptions options = new Experiment.ExperimentOptions();
        options.grid = "no-such-grid";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Experiment.run(options, java.util.List.of(), System.out, ""));
        assertTrue(e.getMessage().contains("no grid component named 'no-such-grid'"), e.getMessage());
    }
}

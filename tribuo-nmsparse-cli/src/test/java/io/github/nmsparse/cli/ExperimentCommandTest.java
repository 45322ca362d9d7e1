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
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertTrue(nothing.getMessage().contains("give a model file, an experiment directory or a study's directory"), nothing.getMessage());
    }

    @Test
    void aStudyRunsEachGridIntoItsOwnDirectoryAndComparesTheClaimsAcrossSettings(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("study");
        Path doc = dir.resolve("docs").resolve("RESULTS.md");
        String[] args = {"-c", "tribuo-nmsparse-cli/src/test/resources/experiments/digits-grids.xml", "--study", "digits-study",
                "--out", out.toString(), "--results-doc", doc.toString()};
        Experiment.ExperimentOptions options = new Experiment.ExperimentOptions();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        java.util.List<io.github.nmsparse.experiment.RunResult> results;
        try (ConfigurationManager cm = new ConfigurationManager(args, options)) {
            results = Experiment.run(options, Experiment.configFiles(args), new PrintStream(bytes, true, StandardCharsets.UTF_8), String.join(" ", args));
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        // AdamW: per seed DENSE, three methods at two patterns, the sweep by SR_STE and SR_STE_DECOUPLED; SGD: DENSE, two methods, one sweep.
        assertTrue(printed.contains("Experiment 'digits-adamw-grid': 18 runs into " + out.resolve("digits-adamw-grid")), printed);
        assertTrue(printed.contains("Experiment 'digits-sgd-grid': 12 runs into " + out.resolve("digits-sgd-grid")), printed);
        assertEquals(30, results.size());
        assertTrue(Files.isRegularFile(out.resolve("digits-sgd-grid").resolve("results.csv")));
        assertEquals(0.05, results.stream().filter(r -> r.run().id().equals("SR_STE_DECOUPLED-2of4-seed1")).findFirst().orElseThrow().lambdaW(),
                "the grid's method setting, read back from the run's provenance");
        assertEquals(0.002, results.stream().filter(r -> r.run().id().equals("SR_STE_DECOUPLED-2of4-lw0.002-seed1")).findFirst().orElseThrow()
                .lambdaW(), "a sweep run's lambda_w wins over the method setting");

        String results1 = Files.readString(doc);
        assertTrue(results1.contains("## Verdicts at a glance"), results1);
        for (String row : java.util.List.of("| digits, AdamW, SR-STE |", "| digits, AdamW, decoupled SR-STE |", "| digits, SGD, SR-STE |")) {
            assertTrue(results1.contains(row), row + " in " + results1);
        }
        assertFalse(results1.contains("digits, SGD, decoupled SR-STE"), "no decoupled runs under SGD, so no verdict for them");
        for (int claim = 1; claim <= 4; claim++) {
            assertTrue(results1.contains("## Claim " + claim + ": "), "claim " + claim);
            assertTrue(Files.isRegularFile(doc.resolveSibling("results").resolve("claim-" + claim + ".png")), "chart of claim " + claim);
        }
        assertTrue(results1.contains("A hand-written discussion, included as written."), "the study's discussion file");
        assertTrue(results1.contains("### digits, SGD") && Files.isRegularFile(doc.resolveSibling("results").resolve("digits-sgd-grid.csv")));
        assertTrue(results1.contains("experiment -c tribuo-nmsparse-cli/src/test/resources/experiments/digits-grids.xml --study digits-study"));
        String page = Files.readString(doc.resolveSibling("results").resolve("index.html"));
        assertTrue(page.contains("Claim 2: ") && page.contains("digits, AdamW, decoupled SR-STE"), page);

        // The report command on the study's directory: the same page, each setting named as its directory.
        Path studyPage = Report.run(out, dir.resolve("study-report"), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        String report = Files.readString(studyPage);
        assertTrue(report.contains("Claim 4: ") && report.contains("digits-sgd-grid, SR-STE") && report.contains("digits-adamw-grid, decoupled SR-STE"),
                report);
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

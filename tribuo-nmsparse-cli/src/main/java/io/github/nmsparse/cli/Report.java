package io.github.nmsparse.cli;

import io.github.nmsparse.experiment.ExperimentRunner;
import io.github.nmsparse.report.ExperimentReport;
import io.github.nmsparse.report.ModelReport;
import io.github.nmsparse.report.StudyDocument;
import io.github.nmsparse.tribuo.NMSparseModel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code report MODEL_FILE|EXPERIMENT_DIR|STUDY_DIR OUT_DIR}: writes a self-contained HTML report (index.html and its
 * PNGs) of a trained model, of an experiment directory, or of a study's directory (one experiment directory per
 * setting, each named as its setting).
 */
final class Report {

    private Report() {
    }

    static void main(String[] args) {
        TrainTest.ConsoleLogging.install();
        if (args.length != 2) {
            System.err.println("usage: report MODEL_FILE|EXPERIMENT_DIR|STUDY_DIR OUT_DIR");
            System.exit(1);
        }
        try {
            run(Path.of(args[0]), Path.of(args[1]), System.out);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static Path run(Path source, Path out, PrintStream log) throws IOException {
        Path page;
        if (Files.isDirectory(source.resolve("runs"))) {
            page = ExperimentReport.write(ExperimentRunner.readAll(source), source.getFileName().toString(), out);
        } else if (Files.isDirectory(source)) {
            List<StudyDocument.Setting> settings = new ArrayList<>();
            try (var children = Files.list(source)) {
                for (Path grid : children.filter(child -> Files.isDirectory(child.resolve("runs"))).sorted().toList()) {
                    String name = grid.getFileName().toString();
                    settings.add(new StudyDocument.Setting(name, name, "runs read from " + grid, ExperimentRunner.readAll(grid)));
                }
            }
            if (settings.isEmpty()) {
                throw new IllegalArgumentException("nothing to report in " + source.toAbsolutePath()
                        + ": it has no runs/ directory, nor subdirectories with one (a study's)");
            }
            page = StudyDocument.writePage(settings, out);
        } else if (Files.isRegularFile(source)) {
            page = ModelReport.write(NMSparseModel.load(source), source.getFileName().toString(), out);
        } else {
            throw new IllegalArgumentException("nothing to report at " + source.toAbsolutePath()
                    + ": give a model file, an experiment directory or a study's directory");
        }
        log.printf("Wrote %s.%n", page);
        return page;
    }
}

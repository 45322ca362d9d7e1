package io.github.nmsparse.report;

import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.experiment.ClaimCheck;
import io.github.nmsparse.experiment.Method;
import io.github.nmsparse.experiment.ResultTable;
import io.github.nmsparse.experiment.RunResult;
import io.github.nmsparse.experiment.RunSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The report of an experiment: test accuracy against sparsity per method with error bars, SAD curves of STE
 * against SR-STE, the lambda_w sweep, the results table and the paper's claims checked.
 */
public final class ExperimentReport {

    /** The accuracy chart's file name. */
    public static final String ACCURACY_CHART = "accuracy-vs-sparsity.png";
    /** The STE against SR-STE SAD chart's file name. */
    public static final String SAD_CHART = "sad-ste-vs-sr-ste.png";
    /** The lambda_w sweep chart's file name. */
    public static final String SWEEP_CHART = "sad-lambda-sweep.png";

    private static final ToDoubleFunction<RunResult> ACCURACY = r -> 100 * r.testAccuracy();

    private ExperimentReport() {
    }

    /**
     * Writes the report.
     *
     * @param results   the experiment's runs
     * @param name      what to call it in the title
     * @param directory where index.html and the PNGs go
     * @return the page
     * @throws IOException when the files cannot be written
     */
    public static Path write(List<RunResult> results, String name, Path directory) throws IOException {
        return page(new ResultTable(results), name).write(directory);
    }

    static HtmlPage page(ResultTable table, String name) {
        System.setProperty("java.awt.headless", "true");
        if (table.cells().isEmpty()) {
            throw new IllegalArgumentException("the experiment has no finished runs to report");
        }
        ClaimCheck claims = new ClaimCheck(table);
        HtmlPage page = new HtmlPage("tribuo-nmsparse experiment report: " + name);
        page.paragraph(String.format(Locale.ROOT, "%d runs in %d cells; means over seeds, error bars one sample standard deviation.",
                table.cells().stream().mapToInt(c -> c.runs().size()).sum(), table.cells().size()));
        page.heading("Accuracy against sparsity");
        page.picture(ACCURACY_CHART, Charts.png(accuracyChart(table), Charts.WIDTH, Charts.HEIGHT),
                "Test accuracy per N:M pattern (ordered by sparsity) and method; dashed line: DENSE.");
        Map<String, double[]> sad = sadCurves(table);
        if (!sad.isEmpty()) {
            page.heading("Sparse Architecture Divergence: STE against SR-STE");
            page.picture(SAD_CHART, Charts.png(Charts.perEpoch("SAD per epoch, mean over seeds", "SAD (% of maskable weights, log scale)", sad, true),
                    Charts.WIDTH, Charts.HEIGHT), "Share of weights whose kept/pruned state changed during each epoch (log scale; epochs with a SAD of 0 are not drawn).");
        }
        Map<String, double[]> sweep = sweepCurves(table);
        if (sweep.size() > 1) {
            page.heading("lambda_w sweep");
            page.picture(SWEEP_CHART, Charts.png(Charts.perEpoch("SAD per epoch by SR-STE lambda_w", "SAD (% of maskable weights, log scale)", sweep, true),
                    Charts.WIDTH, Charts.HEIGHT), "SR-STE at one pattern for each lambda_w (0 is STE), mean over seeds (log scale; epochs with a SAD of 0 are not drawn).");
        }
        page.heading("Claims");
        for (ClaimCheck.Claim claim : claims.claims()) {
            page.paragraph(ClaimText.plain(claim));
        }
        page.heading("Results");
        List<List<String>> rows = new ArrayList<>();
        for (ResultTable.Cell c : table.cells()) {
            rows.add(List.of(c.method().name(), c.pattern(), Double.isNaN(c.lambdaW()) ? "" : RunSpec.plain(c.lambdaW()),
                    Double.isNaN(c.learningRate()) ? "" : RunSpec.plain(c.learningRate()), Integer.toString(c.runs().size()), meanStd(c, ACCURACY, 2), meanStd(c, RunResult::finalLoss, 4),
                    meanStd(c, r -> 100 * r.finalSadFraction(), 4), meanStd(c, RunResult::meanFlipsPerEpoch, 0),
                    meanStd(c, r -> r.modelBytes(), 0), meanStd(c, RunResult::trainSeconds, 1)));
        }
        page.table(List.of("method", "pattern", "lambda_w", "learning rate", "runs", "test accuracy (%)", "final loss", "final SAD (%)",
                "flips / epoch", "model bytes", "train time (s)"), rows);
        return page;
    }

    private static String meanStd(ResultTable.Cell cell, ToDoubleFunction<RunResult> measure, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", cell.mean(measure), cell.std(measure));
    }

    private static org.jfree.chart.JFreeChart accuracyChart(ResultTable table) {
        List<String> patterns = table.cells().stream().filter(c -> c.method().masksLayers() && Double.isNaN(c.lambdaW()))
                .map(ResultTable.Cell::pattern).distinct()
                .sorted(Comparator.comparingDouble((String p) -> -density(p)).thenComparingInt(p -> NMPattern.parse(p).m()))
                .toList();
        List<String> categories = patterns.stream().map(p -> String.format(Locale.ROOT, "%s, %s%%", p,
                new java.text.DecimalFormat("0.##").format(100 * (1 - density(p))))).toList();
        Map<String, double[]> means = new LinkedHashMap<>();
        Map<String, double[]> stds = new LinkedHashMap<>();
        for (Method method : List.of(Method.STE, Method.SR_STE, Method.ASP)) {
            double[] mean = new double[patterns.size()];
            double[] std = new double[patterns.size()];
            boolean any = false;
            for (int i = 0; i < patterns.size(); i++) {
                Optional<ResultTable.Cell> cell = table.cell(method, patterns.get(i));
                mean[i] = cell.map(c -> c.mean(ACCURACY)).orElse(Double.NaN);
                std[i] = cell.map(c -> c.std(ACCURACY)).orElse(Double.NaN);
                any |= cell.isPresent();
            }
            if (any) {
                means.put(method.label(), mean);
                stds.put(method.label(), std);
            }
        }
        Optional<ResultTable.Cell> dense = table.cell(Method.DENSE, "dense");
        return Charts.withErrorBars("Test accuracy against sparsity", "N:M pattern, sparsity", "test accuracy (%)", categories, means, stds,
                dense.map(c -> c.mean(ACCURACY)).orElse(Double.NaN),
                dense.map(c -> String.format(Locale.ROOT, "DENSE %.2f%%", c.mean(ACCURACY))).orElse(""));
    }

    /** @return mean SAD curves (in %) of STE and SR-STE at 2:4 and at the sparsest pattern both have */
    static Map<String, double[]> sadCurves(ResultTable table) {
        List<String> common = table.cells().stream().filter(c -> c.method().equals(Method.SR_STE) && Double.isNaN(c.lambdaW()))
                .map(ResultTable.Cell::pattern).filter(p -> table.cell(Method.STE, p).isPresent()).toList();
        List<String> shown = new ArrayList<>();
        if (common.contains("2:4")) {
            shown.add("2:4");
        }
        common.stream().min(Comparator.comparingDouble(ExperimentReport::density)).filter(p -> !shown.contains(p)).ifPresent(shown::add);
        Map<String, double[]> curves = new LinkedHashMap<>();
        for (String pattern : shown) {
            curves.put("STE " + pattern, percent(ClaimCheck.meanSad(table.cell(Method.STE, pattern).orElseThrow())));
            curves.put("SR-STE " + pattern, percent(ClaimCheck.meanSad(table.cell(Method.SR_STE, pattern).orElseThrow())));
        }
        return curves;
    }

    private static Map<String, double[]> sweepCurves(ResultTable table) {
        List<ResultTable.Cell> sweep = table.lambdaSweep(Method.SR_STE);
        Map<String, double[]> curves = new LinkedHashMap<>();
        if (sweep.isEmpty()) {
            return curves;
        }
        table.cell(Method.STE, sweep.get(0).pattern()).ifPresent(c -> curves.put("lambda_w 0 (STE)", percent(ClaimCheck.meanSad(c))));
        for (ResultTable.Cell cell : sweep) {
            curves.put("lambda_w " + RunSpec.plain(cell.runs().get(0).lambdaW()), percent(ClaimCheck.meanSad(cell)));
        }
        return curves;
    }

    private static double[] percent(double[] fractions) {
        double[] out = new double[fractions.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = 100 * fractions[i];
        }
        return out;
    }

    private static double density(String pattern) {
        NMPattern p = NMPattern.parse(pattern);
        return (double) p.n() / p.m();
    }
}

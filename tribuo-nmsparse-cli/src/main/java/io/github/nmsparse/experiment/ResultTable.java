package io.github.nmsparse.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * An experiment's results per cell (method, pattern, lambda_w and learning rate): the mean and sample standard
 * deviation over seeds of each measure, as CSV and as Markdown.
 */
public final class ResultTable {

    /** The measures of a run that the table summarizes, in column order. */
    private static final List<Measure> MEASURES = List.of(
            new Measure("test_accuracy", "test accuracy (%)", r -> 100 * r.testAccuracy(), 2),
            new Measure("final_loss", "final loss", RunResult::finalLoss, 4),
            new Measure("final_sad", "final SAD (%)", r -> 100 * r.finalSadFraction(), 4),
            new Measure("flips_per_epoch", "flips / epoch", RunResult::meanFlipsPerEpoch, 0),
            new Measure("model_bytes", "model bytes", r -> r.failure() != null ? Double.NaN : r.modelBytes(), 0),
            new Measure("train_seconds", "train time (s)", RunResult::trainSeconds, 1));

    private record Measure(String column, String title, ToDoubleFunction<RunResult> value, int decimals) {
    }

    /**
     * One cell of the table.
     *
     * @param method  the method
     * @param pattern the pattern, or "dense"
     * @param lambdaW the swept lambda_w, or NaN
     * @param learningRate the learning rate of a grid that tries several, or NaN
     * @param density N/M, or 1 for DENSE
     * @param runs    the runs of the cell, one per seed
     */
    public record Cell(Method method, String pattern, double lambdaW, double learningRate, double density, List<RunResult> runs) {

        /** @return how many of the cell's runs made no model (training diverged); their measures are NaN */
        public long failed() {
            return runs.stream().filter(r -> r.failure() != null).count();
        }

        /** @return the mean of a measure over the cell's runs (NaN when a run failed) */
        public double mean(ToDoubleFunction<RunResult> measure) {
            return runs.stream().mapToDouble(measure).average().orElse(Double.NaN);
        }

        /** @return the sample standard deviation of a measure over the cell's runs (0 for a single run) */
        public double std(ToDoubleFunction<RunResult> measure) {
            if (runs.size() < 2) {
                return 0;
            }
            double mean = mean(measure);
            double sum = 0;
            for (RunResult r : runs) {
                double d = measure.applyAsDouble(r) - mean;
                sum += d * d;
            }
            return Math.sqrt(sum / (runs.size() - 1));
        }
    }

    private final List<Cell> cells;

    /**
     * @param results the runs, in any order; runs that differ only in their seed form one cell
     */
    public ResultTable(List<RunResult> results) {
        Map<String, List<RunResult>> byCell = new LinkedHashMap<>();
        for (RunResult r : results) {
            byCell.computeIfAbsent(r.run().cell(), k -> new ArrayList<>()).add(r);
        }
        List<Cell> built = new ArrayList<>();
        for (List<RunResult> runs : byCell.values()) {
            RunSpec spec = runs.get(0).run();
            built.add(new Cell(spec.method(), spec.pattern(), spec.lambdaW(), spec.learningRate(), runs.get(0).density(), List.copyOf(runs)));
        }
        this.cells = List.copyOf(built);
    }

    /** @return the cells, in the order their first run came */
    public List<Cell> cells() {
        return cells;
    }

    /**
     * @param method  the method
     * @param pattern the pattern ("dense" for DENSE)
     * @return the cell of that method and pattern with the trainer's own lambda_w and learning rate, if the experiment
     *         has it
     */
    public java.util.Optional<Cell> cell(Method method, String pattern) {
        return cells.stream().filter(c -> c.method().equals(method) && c.pattern().equals(pattern) && Double.isNaN(c.lambdaW())
                && Double.isNaN(c.learningRate())).findFirst();
    }

    /**
     * @param method a method with a lambda_w, SR-STE or decoupled SR-STE
     * @return its lambda_w sweep: the method's cells at the swept pattern, the swept values and the trainer's own, by
     *         increasing lambda_w (as the runs used it); empty when the experiment has no sweep of it
     */
    public List<Cell> lambdaSweep(Method method) {
        List<Cell> sweep = new ArrayList<>(cells.stream()
                .filter(c -> c.method().equals(method) && !Double.isNaN(c.lambdaW()) && Double.isNaN(c.learningRate())).toList());
        if (!sweep.isEmpty()) {
            cell(method, sweep.get(0).pattern()).ifPresent(sweep::add);
            sweep.sort(java.util.Comparator.comparingDouble(c -> c.runs().get(0).lambdaW()));
        }
        return sweep;
    }

    /** @return one line per cell: its keys, its run count, then mean and standard deviation of each measure */
    public String csv() {
        StringBuilder out = new StringBuilder("method,pattern,lambda_w,learning_rate,density,runs,failed");
        for (Measure m : MEASURES) {
            out.append(',').append(m.column()).append("_mean,").append(m.column()).append("_std");
        }
        out.append('\n');
        for (Cell c : cells) {
            out.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%.6f,%d,%d", c.method(), c.pattern(), orEmpty(c.lambdaW()),
                    orEmpty(c.learningRate()), c.density(), c.runs().size(), c.failed()));
            for (Measure m : MEASURES) {
                out.append(String.format(Locale.ROOT, ",%.6f,%.6f", c.mean(m.value()), c.std(m.value())));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String orEmpty(double setting) {
        return Double.isNaN(setting) ? "" : RunSpec.plain(setting);
    }

    /** @return the table in Markdown, each measure as "mean ± std"; a learning-rate column when the grid tried several */
    public String markdown() {
        boolean rates = cells.stream().anyMatch(c -> !Double.isNaN(c.learningRate()));
        StringBuilder out = new StringBuilder(rates ? "| method | pattern | lambda_w | learning rate | runs |" : "| method | pattern | lambda_w | runs |");
        StringBuilder rule = new StringBuilder(rates ? "|---|---|---|---|---|" : "|---|---|---|---|");
        for (Measure m : MEASURES) {
            out.append(' ').append(m.title()).append(" |");
            rule.append("---|");
        }
        out.append('\n').append(rule).append('\n');
        for (Cell c : cells) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s |%s %s |", c.method(), c.pattern(), orEmpty(c.lambdaW()),
                    rates ? " " + orEmpty(c.learningRate()) + " |" : "",
                    c.failed() == 0 ? Integer.toString(c.runs().size()) : c.runs().size() + " (" + c.failed() + " failed)"));
            for (Measure m : MEASURES) {
                String format = "%." + m.decimals() + "f ± %." + m.decimals() + "f";
                out.append(' ').append(String.format(Locale.ROOT, format, c.mean(m.value()), c.std(m.value()))).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }
}

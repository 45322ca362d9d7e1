package io.github.nmsparse.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Checks the paper's claims (Zhou et al., ICLR 2021) against an experiment's results, and says for each whether
 * the data support it, with the numbers. Nothing is tuned here: a claim the data do not support is reported so.
 */
public final class ClaimCheck {

    /** Epochs at the start of training that claim 3 leaves out ("after the first few"). */
    public static final int FIRST_FEW_EPOCHS = 3;
    /** A mask counts as frozen from the first epoch after which every epoch's SAD stays under this share. */
    public static final double FROZEN_SAD = 1e-3;

    private static final ToDoubleFunction<RunResult> ACCURACY = r -> 100 * r.testAccuracy();

    /** Whether the data support a claim. */
    public enum Verdict {
        /** The data support the claim. */
        SUPPORTED,
        /** The data contradict the claim. */
        NOT_SUPPORTED,
        /** The experiment lacks the runs the claim needs. */
        NOT_TESTED
    }

    /**
     * One claim and what the data say.
     *
     * @param statement the claim
     * @param verdict   whether the data support it
     * @param evidence  the numbers, in Markdown
     */
    public record Claim(String statement, Verdict verdict, String evidence) {
    }

    private final ResultTable table;

    /**
     * @param table the experiment's results
     */
    public ClaimCheck(ResultTable table) {
        this.table = table;
    }

    /** @return the four claims, in the paper's order */
    public List<Claim> claims() {
        return List.of(nearDense(), srSteBeatsSteWhenSparse(), srSteKeepsArchitectureStable(), fourEightAtLeastTwoFour());
    }

    private Claim nearDense() {
        String statement = "2:4 and 4:8 SR-STE are within 0.5 points of dense test accuracy.";
        Optional<ResultTable.Cell> dense = table.cell("DENSE", "dense");
        if (dense.isEmpty()) {
            return new Claim(statement, Verdict.NOT_TESTED, "No DENSE runs.");
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "DENSE: %s.", meanStd(dense.get(), ACCURACY)));
        boolean all = true;
        boolean any = false;
        for (String pattern : List.of("2:4", "4:8")) {
            Optional<ResultTable.Cell> sparse = table.cell("SR_STE", pattern);
            if (sparse.isEmpty()) {
                continue;
            }
            any = true;
            double gap = sparse.get().mean(ACCURACY) - dense.get().mean(ACCURACY);
            boolean within = gap >= -0.5;
            all &= within;
            lines.add(String.format(Locale.ROOT, "SR-STE %s: %s, %+.2f points against dense (%s).", pattern,
                    meanStd(sparse.get(), ACCURACY), gap, within ? "within 0.5" : "more than 0.5 below"));
        }
        if (!any) {
            return new Claim(statement, Verdict.NOT_TESTED, "No SR-STE 2:4 or 4:8 runs.");
        }
        return new Claim(statement, all ? Verdict.SUPPORTED : Verdict.NOT_SUPPORTED, String.join(" ", lines));
    }

    private Claim srSteBeatsSteWhenSparse() {
        String statement = "At 1:8 and 1:16, SR-STE has a higher mean test accuracy than STE.";
        List<String> lines = new ArrayList<>();
        boolean all = true;
        boolean any = false;
        for (String pattern : List.of("1:8", "1:16")) {
            Optional<ResultTable.Cell> ste = table.cell("STE", pattern);
            Optional<ResultTable.Cell> srSte = table.cell("SR_STE", pattern);
            if (ste.isEmpty() || srSte.isEmpty()) {
                continue;
            }
            any = true;
            double gap = srSte.get().mean(ACCURACY) - ste.get().mean(ACCURACY);
            double spread = Math.max(srSte.get().std(ACCURACY), ste.get().std(ACCURACY));
            all &= gap > 0;
            String noise = Math.min(srSte.get().runs().size(), ste.get().runs().size()) < 2
                    ? "one run each: no spread to compare with"
                    : (Math.abs(gap) > spread ? "more than" : "no more than") + String.format(Locale.ROOT, " the larger standard deviation, %.2f", spread);
            lines.add(String.format(Locale.ROOT, "%s: SR-STE %s, STE %s, difference %+.2f points (%s).", pattern,
                    meanStd(srSte.get(), ACCURACY), meanStd(ste.get(), ACCURACY), gap, noise));
        }
        if (!any) {
            return new Claim(statement, Verdict.NOT_TESTED, "No STE and SR-STE runs at 1:8 or 1:16.");
        }
        return new Claim(statement, all ? Verdict.SUPPORTED : Verdict.NOT_SUPPORTED, String.join(" ", lines));
    }

    private Claim srSteKeepsArchitectureStable() {
        String statement = "STE's SAD is higher than SR-STE's in every epoch after the first few, and a larger lambda_w "
                + "freezes the architecture sooner.";
        List<String> lines = new ArrayList<>();
        boolean stable = true;
        boolean any = false;
        boolean enoughEpochs = true;
        for (ResultTable.Cell srSte : table.cells()) {
            if (!srSte.method().equals("SR_STE") || !Double.isNaN(srSte.lambdaW())) {
                continue;
            }
            Optional<ResultTable.Cell> ste = table.cell("STE", srSte.pattern());
            if (ste.isEmpty()) {
                continue;
            }
            any = true;
            double[] steSad = meanSad(ste.get());
            double[] srSad = meanSad(srSte);
            int compared = 0;
            int higher = 0;
            int bothZero = 0;
            for (int e = FIRST_FEW_EPOCHS; e < Math.min(steSad.length, srSad.length); e++) {
                compared++;
                if (steSad[e] > srSad[e]) {
                    higher++;
                } else if (steSad[e] == 0 && srSad[e] == 0) {
                    bothZero++;
                }
            }
            enoughEpochs &= compared > 0;
            // Epochs where both masks stood still say nothing either way; at least one epoch must show the difference.
            boolean holds = higher + bothZero == compared && higher > 0;
            stable &= holds;
            lines.add(String.format(Locale.ROOT, "%s: STE's mean SAD is higher in %d of the %d epochs after epoch %d%s "
                    + "(mean SAD over those epochs: STE %.4f%%, SR-STE %.4f%%).", srSte.pattern(), higher, compared,
                    FIRST_FEW_EPOCHS, bothZero > 0 ? ", both zero in " + bothZero : "",
                    100 * mean(steSad, FIRST_FEW_EPOCHS), 100 * mean(srSad, FIRST_FEW_EPOCHS)));
        }
        String sweep = lambdaSweep();
        boolean sooner = sweep != null && sweep.startsWith("Monotone");
        lines.add(0, "SAD part: " + (stable ? "supported" : "not supported") + " (STE above SR-STE in every epoch after epoch "
                + FIRST_FEW_EPOCHS + (stable ? " at every pattern)." : " at some patterns only)."));
        if (sweep != null) {
            lines.add("lambda_w part: " + (sooner ? "supported. " : "not supported. ") + sweep);
        }
        if (!any) {
            return new Claim(statement, Verdict.NOT_TESTED, "No STE and SR-STE runs at a common pattern.");
        }
        if (!enoughEpochs) {
            return new Claim(statement, Verdict.NOT_TESTED, "The runs have no epochs after the first "
                    + FIRST_FEW_EPOCHS + ". " + String.join(" ", lines));
        }
        Verdict verdict = stable && (sweep == null || sooner) ? Verdict.SUPPORTED : Verdict.NOT_SUPPORTED;
        if (sweep == null && stable) {
            lines.add("The lambda_w part was not tested (no sweep).");
        }
        return new Claim(statement, verdict, String.join(" ", lines));
    }

    /** @return the sweep's freeze epochs, starting with "Monotone" when a larger lambda_w never freezes later */
    private String lambdaSweep() {
        List<ResultTable.Cell> sweep = table.lambdaSweep();
        if (sweep.isEmpty()) {
            return null;
        }
        String pattern = sweep.get(0).pattern();
        List<String> parts = new ArrayList<>();
        Optional<ResultTable.Cell> ste = table.cell("STE", pattern);
        ste.ifPresent(c -> parts.add(String.format(Locale.ROOT, "0 (STE): %s", freezeText(c))));
        // Sooner means: a larger lambda_w never freezes later, freezes strictly sooner at least once, and every
        // SR-STE run freezes within the epochs (a tie of "never" proves nothing).
        boolean monotone = true;
        boolean strictlySooner = false;
        boolean allFreeze = true;
        int previous = ste.map(c -> freezeEpoch(meanSad(c))).orElse(Integer.MAX_VALUE);
        for (ResultTable.Cell cell : sweep) {
            int freeze = freezeEpoch(meanSad(cell));
            monotone &= freeze <= previous;
            strictlySooner |= freeze < previous;
            allFreeze &= freeze != Integer.MAX_VALUE;
            previous = freeze;
            parts.add(String.format(Locale.ROOT, "%s: %s", RunSpec.plain(cell.runs().get(0).lambdaW()), freezeText(cell)));
        }
        boolean sooner = monotone && strictlySooner && allFreeze;
        return String.format(Locale.ROOT, "%s: at %s, the epoch from which the mean SAD stays under %.1f%% per epoch, by "
                + "lambda_w: %s.", sooner ? "Monotone" : monotone ? "Not shown" : "Not monotone", pattern, 100 * FROZEN_SAD,
                String.join("; ", parts));
    }

    private static String freezeText(ResultTable.Cell cell) {
        int freeze = freezeEpoch(meanSad(cell));
        return freeze == Integer.MAX_VALUE ? "never" : "epoch " + freeze;
    }

    /** @return the first epoch (from 1) from which every epoch's SAD stays under {@link #FROZEN_SAD}, or MAX_VALUE */
    static int freezeEpoch(double[] sad) {
        int freeze = Integer.MAX_VALUE;
        for (int e = sad.length - 1; e >= 0 && sad[e] < FROZEN_SAD; e--) {
            freeze = e + 1;
        }
        return freeze;
    }

    private Claim fourEightAtLeastTwoFour() {
        String statement = "4:8 is at least as accurate as 2:4 (more freedom at the same density).";
        List<String> lines = new ArrayList<>();
        Verdict verdict = Verdict.NOT_TESTED;
        for (String method : List.of("SR_STE", "STE", "ASP")) {
            Optional<ResultTable.Cell> four = table.cell(method, "4:8");
            Optional<ResultTable.Cell> two = table.cell(method, "2:4");
            if (four.isEmpty() || two.isEmpty()) {
                continue;
            }
            double gap = four.get().mean(ACCURACY) - two.get().mean(ACCURACY);
            if (method.equals("SR_STE")) {
                verdict = gap >= 0 ? Verdict.SUPPORTED : Verdict.NOT_SUPPORTED;
            }
            lines.add(String.format(Locale.ROOT, "%s: 4:8 %s, 2:4 %s, difference %+.2f points.", method,
                    meanStd(four.get(), ACCURACY), meanStd(two.get(), ACCURACY), gap));
        }
        if (lines.isEmpty()) {
            return new Claim(statement, Verdict.NOT_TESTED, "No runs at both 2:4 and 4:8.");
        }
        lines.add("The verdict is SR-STE's; the other methods are listed for context.");
        return new Claim(statement, verdict, String.join(" ", lines));
    }

    /** @return ASP against SR-STE at the same epochs, per pattern, in Markdown */
    public String aspAgainstSrSte() {
        StringBuilder out = new StringBuilder("| pattern | SR-STE test accuracy (%) | ASP test accuracy (%) | ASP - SR-STE |\n|---|---|---|---|\n");
        int rows = 0;
        for (ResultTable.Cell asp : table.cells()) {
            if (!asp.method().equals("ASP")) {
                continue;
            }
            Optional<ResultTable.Cell> srSte = table.cell("SR_STE", asp.pattern());
            if (srSte.isEmpty()) {
                continue;
            }
            rows++;
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %+.2f |%n", asp.pattern(), meanStd(srSte.get(), ACCURACY),
                    meanStd(asp, ACCURACY), asp.mean(ACCURACY) - srSte.get().mean(ACCURACY)));
        }
        return rows == 0 ? "" : out.toString();
    }

    /** @return per epoch, the SAD fraction averaged over the cell's runs */
    public static double[] meanSad(ResultTable.Cell cell) {
        int epochs = cell.runs().stream().mapToInt(r -> r.epochs().size()).min().orElse(0);
        double[] sad = new double[epochs];
        for (RunResult r : cell.runs()) {
            for (int e = 0; e < epochs; e++) {
                sad[e] += r.epochs().get(e).sadFraction() / cell.runs().size();
            }
        }
        return sad;
    }

    private static double mean(double[] values, int from) {
        double sum = 0;
        for (int i = from; i < values.length; i++) {
            sum += values[i];
        }
        return values.length > from ? sum / (values.length - from) : Double.NaN;
    }

    private static String meanStd(ResultTable.Cell cell, ToDoubleFunction<RunResult> measure) {
        return String.format(Locale.ROOT, "%.2f ± %.2f", cell.mean(measure), cell.std(measure));
    }

    /** @return the claims as a Markdown list */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        int i = 1;
        for (Claim claim : claims()) {
            out.append(String.format(Locale.ROOT, "%d. **%s** %s%n%n   %s%n%n", i++, claim.statement(),
                    switch (claim.verdict()) {
                        case SUPPORTED -> "Supported by this project's data.";
                        case NOT_SUPPORTED -> "**Not supported** by this project's data.";
                        case NOT_TESTED -> "Not tested.";
                    }, claim.evidence()));
        }
        return out.toString();
    }
}

package io.github.nmsparse.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Checks the paper's claims (Zhou et al., ICLR 2021) against an experiment's results, and says for each whether
 * the data support it, with the findings as data (the report layer renders them). Nothing is tuned here: a claim the
 * data do not support is reported so. The claims are checked for SR-STE, or for another refinement of STE in its
 * place (decoupled SR-STE), against the same STE, DENSE and ASP runs.
 */
public final class ClaimCheck {

    /** The share of the epochs at the start of training that claim 3 leaves out ("after the first few"): 3 of 30. */
    public static final double FIRST_FEW_SHARE = 0.1;
    /** A mask counts as frozen from the first epoch after which every epoch's SAD stays under this share. */
    public static final double FROZEN_SAD = 1e-3;

    /** Test accuracy in percent. */
    public static final ToDoubleFunction<RunResult> ACCURACY = r -> 100 * r.testAccuracy();

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
     * @param evidence  the findings behind the verdict, for a report to render
     */
    public record Claim(String statement, Verdict verdict, List<Evidence> evidence) {

        /** Copies the list. */
        public Claim {
            evidence = List.copyOf(evidence);
        }
    }

    private final ResultTable table;
    private final Method refined;
    private final String name;

    /**
     * @param table the experiment's results
     */
    public ClaimCheck(ResultTable table) {
        this(table, Method.SR_STE);
    }

    /**
     * @param table   the experiment's results
     * @param refined the method in SR-STE's place: SR_STE, the paper's, or SR_STE_DECOUPLED
     */
    public ClaimCheck(ResultTable table, Method refined) {
        if (!refined.hasLambdaW()) {
            throw new IllegalArgumentException("the claims are about SR-STE; " + refined + " is not a refinement of STE with a lambda_w");
        }
        this.table = table;
        this.refined = refined;
        this.name = refined.equals(Method.SR_STE) ? "SR-STE" : refined.equals(Method.SR_STE_DECOUPLED) ? "decoupled SR-STE" : refined.label();
    }

    /** @return the method checked in SR-STE's place */
    public Method refined() {
        return refined;
    }

    /** @return that method as the findings name it: "SR-STE" or "decoupled SR-STE" */
    public String refinedName() {
        return name;
    }

    /**
     * @param epochs the epochs of a run
     * @return the epochs at its start that claim 3 leaves out: a tenth, at least 1 (3 of 30)
     */
    public static int firstFewEpochs(int epochs) {
        return Math.max(1, (int) Math.round(FIRST_FEW_SHARE * epochs));
    }

    /** @return the four claims, in the paper's order */
    public List<Claim> claims() {
        return List.of(nearDense(), srSteBeatsSteWhenSparse(), srSteKeepsArchitectureStable(), fourEightAtLeastTwoFour());
    }

    private Claim nearDense() {
        String statement = "2:4 and 4:8 SR-STE are within 0.5 points of dense test accuracy.";
        Optional<ResultTable.Cell> dense = table.cell(Method.DENSE, "dense");
        if (dense.isEmpty()) {
            return new Claim(statement, Verdict.NOT_TESTED, List.of(Evidence.note("No DENSE runs.")));
        }
        List<Evidence> evidence = new ArrayList<>();
        evidence.add(new Evidence("DENSE", List.of(Evidence.Figure.accuracy("test accuracy", dense.get())), ""));
        boolean all = true;
        boolean any = false;
        for (String pattern : List.of("2:4", "4:8")) {
            Optional<ResultTable.Cell> sparse = table.cell(refined, pattern);
            if (sparse.isEmpty()) {
                continue;
            }
            any = true;
            double gap = sparse.get().mean(ACCURACY) - dense.get().mean(ACCURACY);
            boolean within = gap >= -0.5;
            all &= within;
            evidence.add(new Evidence(name + " " + pattern, List.of(Evidence.Figure.accuracy("test accuracy", sparse.get()),
                    Evidence.Figure.of("against dense", gap, Evidence.Unit.POINTS)), within ? "within 0.5" : "more than 0.5 below"));
        }
        if (!any) {
            return new Claim(statement, Verdict.NOT_TESTED, List.of(Evidence.note("No " + name + " 2:4 or 4:8 runs.")));
        }
        return new Claim(statement, all ? Verdict.SUPPORTED : Verdict.NOT_SUPPORTED, evidence);
    }

    private Claim srSteBeatsSteWhenSparse() {
        String statement = "At 1:8 and 1:16, SR-STE has a higher mean test accuracy than STE.";
        List<Evidence> evidence = new ArrayList<>();
        boolean all = true;
        boolean any = false;
        for (String pattern : List.of("1:8", "1:16")) {
            Optional<ResultTable.Cell> ste = table.cell(Method.STE, pattern);
            Optional<ResultTable.Cell> srSte = table.cell(refined, pattern);
            if (ste.isEmpty() || srSte.isEmpty()) {
                continue;
            }
            any = true;
            double gap = srSte.get().mean(ACCURACY) - ste.get().mean(ACCURACY);
            double spread = Math.max(srSte.get().std(ACCURACY), ste.get().std(ACCURACY));
            all &= gap > 0;
            String noise = Math.min(srSte.get().runs().size(), ste.get().runs().size()) < 2
                    ? "one run each: no spread to compare with"
                    : (Math.abs(gap) > spread ? "more than" : "no more than") + " the larger standard deviation";
            evidence.add(new Evidence(pattern, List.of(Evidence.Figure.accuracy(name, srSte.get()), Evidence.Figure.accuracy("STE", ste.get()),
                    Evidence.Figure.of("difference", gap, Evidence.Unit.POINTS), Evidence.Figure.of("larger standard deviation", spread,
                            Evidence.Unit.SPREAD)), noise));
        }
        if (!any) {
            return new Claim(statement, Verdict.NOT_TESTED, List.of(Evidence.note("No STE and " + name + " runs at 1:8 or 1:16.")));
        }
        return new Claim(statement, all ? Verdict.SUPPORTED : Verdict.NOT_SUPPORTED, evidence);
    }

    private Claim srSteKeepsArchitectureStable() {
        String statement = "STE's SAD is higher than SR-STE's in every epoch after the first few, and a larger lambda_w "
                + "freezes the architecture sooner.";
        List<Evidence> evidence = new ArrayList<>();
        boolean stable = true;
        boolean any = false;
        boolean enoughEpochs = true;
        int firstFew = 0;
        for (ResultTable.Cell srSte : table.cells()) {
            if (!srSte.method().equals(refined) || !Double.isNaN(srSte.lambdaW()) || !Double.isNaN(srSte.learningRate())) {
                continue;
            }
            Optional<ResultTable.Cell> ste = table.cell(Method.STE, srSte.pattern());
            if (ste.isEmpty()) {
                continue;
            }
            any = true;
            double[] steSad = meanSad(ste.get());
            double[] srSad = meanSad(srSte);
            int epochs = Math.min(steSad.length, srSad.length);
            firstFew = firstFewEpochs(epochs);
            int compared = 0;
            int higher = 0;
            int bothZero = 0;
            for (int e = firstFew; e < epochs; e++) {
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
            evidence.add(new Evidence(srSte.pattern(), List.of(
                    Evidence.Figure.of("epochs after epoch " + firstFew, compared, Evidence.Unit.COUNT),
                    Evidence.Figure.of("with STE's mean SAD higher", higher, Evidence.Unit.COUNT),
                    Evidence.Figure.of("with both zero", bothZero, Evidence.Unit.COUNT),
                    Evidence.Figure.of("STE's mean SAD over them", mean(steSad, firstFew), Evidence.Unit.SAD),
                    Evidence.Figure.of(name + "'s", mean(srSad, firstFew), Evidence.Unit.SAD)), holds ? "holds" : "does not hold"));
        }
        Optional<Evidence> sweep = lambdaSweep();
        boolean sooner = sweep.isPresent() && sweep.get().finding().startsWith("supported");
        evidence.add(0, Evidence.note("SAD part: " + (stable ? "supported" : "not supported") + " (STE above " + name + " in every epoch after epoch "
                + firstFew + (stable ? " at every pattern)." : " at some patterns only).")));
        sweep.ifPresent(evidence::add);
        if (!any) {
            return new Claim(statement, Verdict.NOT_TESTED, List.of(Evidence.note("No STE and " + name + " runs at a common pattern.")));
        }
        if (!enoughEpochs) {
            List<Evidence> notes = new ArrayList<>(List.of(Evidence.note("The runs have no epochs after the first " + firstFew + ".")));
            notes.addAll(evidence);
            return new Claim(statement, Verdict.NOT_TESTED, notes);
        }
        Verdict verdict = stable && (sweep.isEmpty() || sooner) ? Verdict.SUPPORTED : Verdict.NOT_SUPPORTED;
        if (sweep.isEmpty() && stable) {
            evidence.add(Evidence.note("The lambda_w part was not tested (no sweep)."));
        }
        return new Claim(statement, verdict, evidence);
    }

    /**
     * @return the sweep's freeze epochs by lambda_w, with the finding "supported: monotone ..." when a larger lambda_w
     *         never freezes later and freezes strictly sooner at least once; empty when the experiment has no sweep
     */
    private Optional<Evidence> lambdaSweep() {
        List<ResultTable.Cell> sweep = table.lambdaSweep(refined);
        if (sweep.isEmpty()) {
            return Optional.empty();
        }
        String pattern = sweep.get(0).pattern();
        List<Evidence.Figure> figures = new ArrayList<>();
        Optional<ResultTable.Cell> ste = table.cell(Method.STE, pattern);
        ste.ifPresent(c -> figures.add(Evidence.Figure.of("0 (STE)", freezeEpoch(meanSad(c)), Evidence.Unit.EPOCH)));
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
            figures.add(Evidence.Figure.of(RunSpec.plain(cell.runs().get(0).lambdaW()), freeze, Evidence.Unit.EPOCH));
        }
        boolean sooner = monotone && strictlySooner && allFreeze;
        String finding = String.format(Locale.ROOT, "%s: at %s, the epoch from which the mean SAD stays under %.1f%% per epoch, by lambda_w",
                sooner ? "supported, monotone" : monotone ? "not supported, not shown" : "not supported, not monotone", pattern, 100 * FROZEN_SAD);
        return Optional.of(new Evidence("lambda_w part", figures, finding));
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
        List<Evidence> evidence = new ArrayList<>();
        Verdict verdict = Verdict.NOT_TESTED;
        for (Method method : List.of(refined, Method.STE, Method.ASP)) {
            Optional<ResultTable.Cell> four = table.cell(method, "4:8");
            Optional<ResultTable.Cell> two = table.cell(method, "2:4");
            if (four.isEmpty() || two.isEmpty()) {
                continue;
            }
            double gap = four.get().mean(ACCURACY) - two.get().mean(ACCURACY);
            if (method.equals(refined)) {
                verdict = gap >= 0 ? Verdict.SUPPORTED : Verdict.NOT_SUPPORTED;
            }
            evidence.add(new Evidence(method.equals(refined) ? name : method.label(), List.of(Evidence.Figure.accuracy("4:8", four.get()), Evidence.Figure.accuracy("2:4", two.get()),
                    Evidence.Figure.of("difference", gap, Evidence.Unit.POINTS)), ""));
        }
        if (evidence.isEmpty()) {
            return new Claim(statement, Verdict.NOT_TESTED, List.of(Evidence.note("No runs at both 2:4 and 4:8.")));
        }
        evidence.add(Evidence.note("The verdict is " + name + "'s; the other methods are listed for context."));
        return new Claim(statement, verdict, evidence);
    }

    /** @return ASP against SR-STE at the same epochs, one finding per pattern: both accuracies and the difference */
    public List<Evidence> aspAgainstSrSte() {
        List<Evidence> rows = new ArrayList<>();
        for (ResultTable.Cell asp : table.cells()) {
            if (!asp.method().equals(Method.ASP)) {
                continue;
            }
            table.cell(refined, asp.pattern()).ifPresent(srSte -> rows.add(new Evidence(asp.pattern(), List.of(
                    Evidence.Figure.accuracy(name, srSte), Evidence.Figure.accuracy("ASP", asp),
                    Evidence.Figure.of("ASP - SR-STE", asp.mean(ACCURACY) - srSte.mean(ACCURACY), Evidence.Unit.POINTS)), "")));
        }
        return rows;
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
}

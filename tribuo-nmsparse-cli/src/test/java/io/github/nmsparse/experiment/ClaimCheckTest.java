package io.github.nmsparse.experiment;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClaimCheckTest {

    private static final double[] STE_SAD = {0.3, 0.2, 0.1, 0.05, 0.04, 0.03, 0.0};
    private static final double[] SR_SAD = {0.3, 0.1, 0.05, 0.01, 0.0005, 0.0001, 0.0};
    private static final double[] STRONG_SAD = {0.2, 0.05, 0.0008, 0.0005, 0.0001, 0.0, 0.0};

    /** Results that agree with the paper on every claim. */
    private static List<RunResult> paperLike() {
        List<RunResult> runs = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            double jitter = 0.001 * seed;
            runs.add(Results.of("DENSE", "dense", Double.NaN, seed, 0.960 + jitter, new double[7]));
            runs.add(Results.of("SR_STE", "2:4", Double.NaN, seed, 0.958 + jitter, SR_SAD));
            runs.add(Results.of("SR_STE", "4:8", Double.NaN, seed, 0.959 + jitter, SR_SAD));
            runs.add(Results.of("STE", "2:4", Double.NaN, seed, 0.955 + jitter, STE_SAD));
            runs.add(Results.of("STE", "4:8", Double.NaN, seed, 0.956 + jitter, STE_SAD));
            for (String pattern : List.of("1:8", "1:16")) {
                runs.add(Results.of("SR_STE", pattern, Double.NaN, seed, 0.93 + jitter, SR_SAD));
                runs.add(Results.of("STE", pattern, Double.NaN, seed, 0.90 + jitter, STE_SAD));
            }
            runs.add(Results.of("SR_STE", "2:4", 2e-2, seed, 0.95, STRONG_SAD));
            runs.add(Results.of("ASP", "2:4", Double.NaN, seed, 0.957, new double[7]));
        }
        return runs;
    }

    /** @return the claim's finding about the subject */
    static Evidence finding(ClaimCheck.Claim claim, String subject) {
        return claim.evidence().stream().filter(e -> e.subject().equals(subject)).findFirst()
                .orElseThrow(() -> new AssertionError("no finding about " + subject + " in " + claim.evidence()));
    }

    private static List<ClaimCheck.Verdict> verdicts(List<RunResult> runs) {
        return new ClaimCheck(new ResultTable(runs)).claims().stream().map(ClaimCheck.Claim::verdict).toList();
    }

    @Test
    void theClaimsAreCheckedForDecoupledSrSteInSrStesPlaceAgainstTheSameBaselines() {
        // SR-STE's runs renamed decoupled, and plain SR-STE made no better than STE: the verdicts follow the refinement asked for.
        List<RunResult> runs = new ArrayList<>();
        for (RunResult r : paperLike()) {
            if (r.run().method().equals(Method.SR_STE)) {
                runs.add(Results.of("SR_STE_DECOUPLED", r.run().pattern(), r.run().lambdaW(), r.run().seed(), r.testAccuracy(),
                        Double.isNaN(r.run().lambdaW()) ? SR_SAD : STRONG_SAD));
                runs.add(Results.of("SR_STE", r.run().pattern(), r.run().lambdaW(), r.run().seed(), 0.80, STE_SAD));
            } else {
                runs.add(r);
            }
        }
        ResultTable table = new ResultTable(runs);
        ClaimCheck decoupled = new ClaimCheck(table, Method.SR_STE_DECOUPLED);
        assertEquals(Method.SR_STE_DECOUPLED, decoupled.refined());
        List<ClaimCheck.Claim> claims = decoupled.claims();
        assertEquals(List.of(ClaimCheck.Verdict.SUPPORTED, ClaimCheck.Verdict.SUPPORTED, ClaimCheck.Verdict.SUPPORTED,
                ClaimCheck.Verdict.SUPPORTED), claims.stream().map(ClaimCheck.Claim::verdict).toList());
        assertEquals(96.00, finding(claims.get(0), "decoupled SR-STE 2:4").figures().get(0).value(), 1e-9);
        assertEquals(List.of("0 (STE)", "0.0002", "0.02"), finding(claims.get(2), "lambda_w part").figures().stream()
                .map(Evidence.Figure::name).toList(), "decoupled SR-STE's own sweep");
        assertEquals(List.of(ClaimCheck.Verdict.NOT_SUPPORTED, ClaimCheck.Verdict.NOT_SUPPORTED, ClaimCheck.Verdict.NOT_SUPPORTED,
                ClaimCheck.Verdict.SUPPORTED), new ClaimCheck(table).claims().stream().map(ClaimCheck.Claim::verdict).toList(),
                "plain SR-STE's verdicts from its own runs (4:8 and 2:4 tie at 80%)");
        IllegalArgumentException notRefined = assertThrows(IllegalArgumentException.class, () -> new ClaimCheck(table, Method.STE));
        assertTrue(notRefined.getMessage().contains("STE is not a refinement of STE with a lambda_w"), notRefined.getMessage());
    }

    @Test
    void theFirstFewEpochsAreATenthOfTheRunAtLeastOne() {
        assertEquals(3, ClaimCheck.firstFewEpochs(30));
        assertEquals(2, ClaimCheck.firstFewEpochs(15));
        assertEquals(1, ClaimCheck.firstFewEpochs(8));
        assertEquals(1, ClaimCheck.firstFewEpochs(4));
    }

    @Test
    void resultsLikeThePapersSupportEveryClaim() {
        assertEquals(List.of(ClaimCheck.Verdict.SUPPORTED, ClaimCheck.Verdict.SUPPORTED, ClaimCheck.Verdict.SUPPORTED,
                ClaimCheck.Verdict.SUPPORTED), verdicts(paperLike()));
        List<ClaimCheck.Claim> claims = new ClaimCheck(new ResultTable(paperLike())).claims();
        Evidence twoFour = finding(claims.get(0), "SR-STE 2:4");
        assertEquals(96.00, twoFour.figures().get(0).value(), 1e-9, "mean test accuracy, percent");
        assertEquals(0.10, twoFour.figures().get(0).spread(), 1e-9, "its sample standard deviation");
        assertEquals(-0.20, twoFour.figures().get(1).value(), 1e-9, "points against dense");
        assertEquals(Evidence.Unit.POINTS, twoFour.figures().get(1).unit());
        assertEquals("within 0.5", twoFour.finding());
        Evidence sweep = finding(claims.get(2), "lambda_w part");
        assertEquals(List.of("0 (STE)", "0.0002", "0.02"), sweep.figures().stream().map(Evidence.Figure::name).toList());
        assertEquals(List.of(7.0, 5.0, 3.0), sweep.figures().stream().map(Evidence.Figure::value).toList(), "freeze epochs by lambda_w");
        assertTrue(sweep.finding().startsWith("supported, monotone"), sweep.finding());
    }

    @Test
    void eachClaimFailsWhenItsNumbersSaySo() {
        List<RunResult> runs = new ArrayList<>(paperLike());
        // Claim 1: SR-STE 4:8 a point below dense. Claim 4 follows: 4:8 now below 2:4.
        runs.replaceAll(r -> r.run().method().equals(Method.SR_STE) && r.run().pattern().equals("4:8")
                ? Results.of("SR_STE", "4:8", Double.NaN, r.run().seed(), 0.95, SR_SAD) : r);
        // Claim 2: STE beats SR-STE at 1:16.
        runs.replaceAll(r -> r.run().method().equals(Method.STE) && r.run().pattern().equals("1:16")
                ? Results.of("STE", "1:16", Double.NaN, r.run().seed(), 0.99, STE_SAD) : r);
        // Claim 3: at 1:8, STE's SAD drops below SR-STE's in one late epoch.
        double[] late = STE_SAD.clone();
        late[5] = 0.00001;
        runs.replaceAll(r -> r.run().method().equals(Method.STE) && r.run().pattern().equals("1:8")
                ? Results.of("STE", "1:8", Double.NaN, r.run().seed(), 0.90, late) : r);
        assertEquals(List.of(ClaimCheck.Verdict.NOT_SUPPORTED, ClaimCheck.Verdict.NOT_SUPPORTED,
                ClaimCheck.Verdict.NOT_SUPPORTED, ClaimCheck.Verdict.NOT_SUPPORTED), verdicts(runs));
    }

    @Test
    void aLargerLambdaThatFreezesLaterContradictsClaimThree() {
        List<RunResult> runs = new ArrayList<>(paperLike());
        runs.replaceAll(r -> r.run().lambdaW() == 2e-2 ? Results.of("SR_STE", "2:4", 2e-2, r.run().seed(), 0.95, STE_SAD) : r);
        assertEquals(ClaimCheck.Verdict.NOT_SUPPORTED, verdicts(runs).get(2));
    }

    @Test
    void sweepsThatNeverFreezeOrMasksThatNeverMoveProveNothing() {
        List<RunResult> runs = new ArrayList<>(paperLike());
        double[] neverFrozen = {0.3, 0.2, 0.1, 0.05, 0.04, 0.03, 0.02};
        runs.replaceAll(r -> r.run().method().equals(Method.SR_STE) && r.run().pattern().equals("2:4")
                ? Results.of("SR_STE", "2:4", r.run().lambdaW(), r.run().seed(), r.testAccuracy(), neverFrozen)
                : r.run().method().equals(Method.STE) && r.run().pattern().equals("2:4")
                ? Results.of("STE", "2:4", Double.NaN, r.run().seed(), r.testAccuracy(), STE_SAD.clone()) : r);
        ClaimCheck.Claim claim = new ClaimCheck(new ResultTable(runs)).claims().get(2);
        assertEquals(ClaimCheck.Verdict.NOT_SUPPORTED, claim.verdict(), claim.evidence().toString());

        List<RunResult> still = new ArrayList<>();
        for (long seed = 1; seed <= 2; seed++) {
            still.add(Results.of("STE", "2:4", Double.NaN, seed, 0.9, 0.1, 0.1, 0.1, 0, 0, 0));
            still.add(Results.of("SR_STE", "2:4", Double.NaN, seed, 0.9, 0.1, 0.1, 0.1, 0, 0, 0));
        }
        assertEquals(ClaimCheck.Verdict.NOT_SUPPORTED, new ClaimCheck(new ResultTable(still)).claims().get(2).verdict(),
                "no epoch after the first few shows STE above SR-STE");
    }

    @Test
    void missingRunsLeaveClaimsUntested() {
        List<RunResult> onlyDense = List.of(Results.of("DENSE", "dense", Double.NaN, 1, 0.9, 0.0));
        assertEquals(List.of(ClaimCheck.Verdict.NOT_TESTED, ClaimCheck.Verdict.NOT_TESTED, ClaimCheck.Verdict.NOT_TESTED,
                ClaimCheck.Verdict.NOT_TESTED), verdicts(onlyDense));
    }

    @Test
    void theFreezeEpochIsWhereSadStaysUnderTheThresholdForGood() {
        assertEquals(4, ClaimCheck.freezeEpoch(new double[] {0.1, 0.0001, 0.1, 0.0005, 0.0}));
        assertEquals(Integer.MAX_VALUE, ClaimCheck.freezeEpoch(new double[] {0.1, 0.0, 0.01}));
        assertEquals(1, ClaimCheck.freezeEpoch(new double[] {0.0, 0.0}));
    }

    @Test
    void aspIsComparedWithSrSteAtTheSamePattern() {
        List<Evidence> asp = new ClaimCheck(new ResultTable(paperLike())).aspAgainstSrSte();
        assertEquals(1, asp.size());
        assertEquals("2:4", asp.get(0).subject());
        assertEquals(List.of(96.0, 95.7, -0.3), asp.get(0).figures().stream().map(f -> Math.round(f.value() * 100) / 100.0).toList());
    }
}

package io.github.nmsparse.report;

import io.github.nmsparse.experiment.ClaimCheck;
import io.github.nmsparse.experiment.ResultTable;
import io.github.nmsparse.experiment.Results;
import io.github.nmsparse.experiment.RunResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The claims' evidence, rendered: numbers formatted by what they measure, findings in words. */
class ClaimTextTest {

    private static ClaimCheck check() {
        List<RunResult> runs = new ArrayList<>();
        double[] ste = {0.3, 0.2, 0.1, 0.05, 0.04, 0.03, 0.0};
        double[] srSte = {0.3, 0.1, 0.05, 0.01, 0.0005, 0.0001, 0.0};
        for (long seed = 1; seed <= 3; seed++) {
            runs.add(Results.of("DENSE", "dense", Double.NaN, seed, 0.960 + 0.001 * seed, new double[7]));
            runs.add(Results.of("SR_STE", "2:4", Double.NaN, seed, 0.958 + 0.001 * seed, srSte));
            runs.add(Results.of("STE", "2:4", Double.NaN, seed, 0.955 + 0.001 * seed, ste));
            runs.add(Results.of("SR_STE", "2:4", 2e-2, seed, 0.95, 0.2, 0.05, 0.0008, 0.0005, 0.0001, 0.0, 0.0));
            runs.add(Results.of("ASP", "2:4", Double.NaN, seed, 0.957, new double[7]));
        }
        return new ClaimCheck(new ResultTable(runs));
    }

    @Test
    void claimsRenderAsMarkdownWithTheirNumbers() {
        String markdown = ClaimText.markdown(check().claims());
        assertTrue(markdown.contains("1. **2:4 and 4:8 SR-STE are within 0.5 points of dense test accuracy.** Supported by this project's data."),
                markdown);
        assertTrue(markdown.contains("DENSE: test accuracy 96.20 ± 0.10. SR-STE 2:4: test accuracy 96.00 ± 0.10, against dense -0.20 points "
                + "(within 0.5)."), markdown);
        assertTrue(markdown.contains("lambda_w part: 0 (STE): epoch 7, 0.0002: epoch 5, 0.02: epoch 3 (supported, monotone: at 2:4"), markdown);
        // Seven epochs: the first tenth, rounded and at least one, is left out.
        assertTrue(markdown.contains("2:4: 6 epochs after epoch 1, 5 with STE's mean SAD higher, 1 with both zero, STE's mean SAD over them "
                + "7.0000%, SR-STE's 2.6767% (holds)."), markdown);
    }

    @Test
    void theAspComparisonRendersAsATable() {
        String table = ClaimText.table("pattern", check().aspAgainstSrSte());
        assertTrue(table.startsWith("| pattern | SR-STE | ASP | ASP - SR-STE |\n|---|---|---|---|\n"), table);
        assertTrue(table.contains("| 2:4 | 96.00 ± 0.10 | 95.70 ± 0.00 | -0.30 |"), table);
    }

    @Test
    void aPlainParagraphHasNoMarkdown() {
        ClaimCheck.Claim claim = check().claims().get(0);
        String text = ClaimText.plain(claim);
        assertTrue(text.startsWith("2:4 and 4:8 SR-STE are within 0.5 points of dense test accuracy. Supported. DENSE: "), text);
        assertTrue(!text.contains("*"), text);
    }
}

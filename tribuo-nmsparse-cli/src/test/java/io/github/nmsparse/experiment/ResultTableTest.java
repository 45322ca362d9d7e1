package io.github.nmsparse.experiment;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultTableTest {

    private final ResultTable table = new ResultTable(List.of(
            Results.of("SR_STE", "2:4", Double.NaN, 1, 0.90, 0.1),
            Results.of("STE", "2:4", Double.NaN, 1, 0.80, 0.2),
            Results.of("SR_STE", "2:4", Double.NaN, 2, 0.92, 0.1),
            Results.of("SR_STE", "2:4", 2e-3, 1, 0.70, 0.05),
            Results.of("SR_STE", "2:4", Double.NaN, 3, 0.94, 0.1)));

    @Test
    void runsThatDifferOnlyInTheirSeedShareACellWithMeanAndSampleStandardDeviation() {
        assertEquals(3, table.cells().size());
        ResultTable.Cell srSte = table.cell(Method.SR_STE, "2:4").orElseThrow();
        assertEquals(3, srSte.runs().size());
        assertEquals(92.0, srSte.mean(r -> 100 * r.testAccuracy()), 1e-9);
        // Deviations -2, 0, 2: sample variance 8 / 2 = 4.
        assertEquals(2.0, srSte.std(r -> 100 * r.testAccuracy()), 1e-9);
        assertEquals(0.0, table.cell(Method.STE, "2:4").orElseThrow().std(r -> 100 * r.testAccuracy()), "one run has no spread");
        assertTrue(table.cell(Method.ASP, "2:4").isEmpty());
    }

    @Test
    void csvHasOneLinePerCellWithMeansAndStandardDeviations() {
        String[] lines = table.csv().split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[0].startsWith("method,pattern,lambda_w,learning_rate,density,runs,failed,test_accuracy_mean,test_accuracy_std"), lines[0]);
        assertTrue(lines[1].startsWith("SR_STE,2:4,,,0.500000,3,0,92.000000,2.000000,"), lines[1]);
        assertTrue(lines[3].startsWith("SR_STE,2:4,0.002,,0.500000,1,0,70.000000,0.000000,"), lines[3]);
    }

    @Test
    void markdownShowsMeanPlusMinusStd() {
        String markdown = table.markdown();
        assertTrue(markdown.contains("| SR_STE | 2:4 |  | 3 | 92.00 ± 2.00 |"), markdown);
        assertTrue(markdown.contains("| SR_STE | 2:4 | 0.002 | 1 | 70.00 ± 0.00 |"), markdown);
    }
}

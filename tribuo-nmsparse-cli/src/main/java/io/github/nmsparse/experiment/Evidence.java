package io.github.nmsparse.experiment;

import java.util.List;

/**
 * One finding behind a claim's verdict, as data for a report to render: what it is about, its figures, and what they
 * mean for the claim.
 *
 * @param subject what the finding is about, e.g. "SR-STE 2:4"; empty for a note
 * @param figures its numbers
 * @param finding what the numbers mean for the claim, e.g. "within 0.5 points of dense"; may be empty
 */
public record Evidence(String subject, List<Figure> figures, String finding) {

    /** Copies the list. */
    public Evidence {
        figures = List.copyOf(figures);
    }

    /** @return a finding with no subject and no figures: a note */
    static Evidence note(String text) {
        return new Evidence("", List.of(), text);
    }

    /** What a figure measures, which says how to print it. */
    public enum Unit {
        /** Test accuracy in percent. */
        ACCURACY,
        /** A difference of accuracies, in percentage points. */
        POINTS,
        /** A spread of accuracies (a standard deviation), in percentage points. */
        SPREAD,
        /** SAD as a percentage of the maskable weights. */
        SAD,
        /** A count. */
        COUNT,
        /** An epoch number; {@link Integer#MAX_VALUE} for never. */
        EPOCH
    }

    /**
     * A number of a finding.
     *
     * @param name   what it is, e.g. "test accuracy"
     * @param value  the value (a mean over seeds where a spread is given)
     * @param spread the sample standard deviation over seeds, or NaN when it has none
     * @param unit   what it measures
     */
    public record Figure(String name, double value, double spread, Unit unit) {

        /** @return a figure without a spread */
        static Figure of(String name, double value, Unit unit) {
            return new Figure(name, value, Double.NaN, unit);
        }

        /** @return a cell's mean test accuracy and its spread, in percent */
        static Figure accuracy(String name, ResultTable.Cell cell) {
            return new Figure(name, cell.mean(ClaimCheck.ACCURACY), cell.std(ClaimCheck.ACCURACY), Unit.ACCURACY);
        }
    }
}

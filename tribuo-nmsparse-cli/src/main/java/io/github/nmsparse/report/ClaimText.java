package io.github.nmsparse.report;

import io.github.nmsparse.experiment.ClaimCheck;
import io.github.nmsparse.experiment.Evidence;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders the claims' verdicts and evidence as text: Markdown for the results document, plain text for HTML pages. */
final class ClaimText {

    private ClaimText() {
    }

    /** @return the claims as a numbered Markdown list, each with its verdict and its evidence */
    static String markdown(List<ClaimCheck.Claim> claims) {
        StringBuilder out = new StringBuilder();
        int i = 1;
        for (ClaimCheck.Claim claim : claims) {
            out.append(String.format(Locale.ROOT, "%d. **%s** %s%n%n   %s%n%n", i++, claim.statement(), switch (claim.verdict()) {
                case SUPPORTED -> "Supported by this project's data.";
                case NOT_SUPPORTED -> "**Not supported** by this project's data.";
                case NOT_TESTED -> "Not tested.";
            }, evidence(claim)));
        }
        return out.toString();
    }

    /** @return a claim, its verdict and its evidence in plain sentences */
    static String plain(ClaimCheck.Claim claim) {
        return claim.statement() + " " + switch (claim.verdict()) {
            case SUPPORTED -> "Supported.";
            case NOT_SUPPORTED -> "Not supported.";
            case NOT_TESTED -> "Not tested.";
        } + " " + evidence(claim);
    }

    private static String evidence(ClaimCheck.Claim claim) {
        return claim.evidence().stream().map(ClaimText::sentence).collect(Collectors.joining(" "));
    }

    /** @return e.g. "SR-STE 2:4: test accuracy 96.00 ± 0.10, against dense -0.20 points (within 0.5)." */
    static String sentence(Evidence evidence) {
        String figures = evidence.figures().stream().map(ClaimText::figure).collect(Collectors.joining(", "));
        StringBuilder text = new StringBuilder();
        if (!evidence.subject().isEmpty()) {
            text.append(evidence.subject()).append(figures.isEmpty() ? "" : ": ").append(figures);
        }
        if (!evidence.finding().isEmpty()) {
            text.append(text.length() == 0 ? evidence.finding() : " (" + evidence.finding() + ")");
        }
        String sentence = text.toString();
        return sentence.endsWith(".") ? sentence : sentence + ".";
    }

    /** @return a figure as its unit prints it: "test accuracy 96.00 ± 0.10", "4 epochs after epoch 3", "0.02: epoch 3" */
    static String figure(Evidence.Figure figure) {
        return switch (figure.unit()) {
            case COUNT -> value(figure) + " " + figure.name();
            case EPOCH -> figure.name() + ": " + value(figure);
            default -> figure.name() + " " + value(figure);
        };
    }

    /** @return a figure's value (and spread) as its unit prints it */
    static String value(Evidence.Figure figure) {
        return switch (figure.unit()) {
            case ACCURACY -> String.format(Locale.ROOT, "%.2f ± %.2f", figure.value(), Double.isNaN(figure.spread()) ? 0 : figure.spread());
            case POINTS -> String.format(Locale.ROOT, "%+.2f points", figure.value());
            case SPREAD -> String.format(Locale.ROOT, "%.2f points", figure.value());
            case SAD -> String.format(Locale.ROOT, "%.4f%%", 100 * figure.value());
            case COUNT -> String.format(Locale.ROOT, "%d", Math.round(figure.value()));
            case EPOCH -> figure.value() >= Integer.MAX_VALUE ? "never" : String.format(Locale.ROOT, "epoch %d", Math.round(figure.value()));
        };
    }

    /** @return findings of one shape as a Markdown table: the subject, then each figure's value, under its name */
    static String table(String subjectTitle, List<Evidence> rows) {
        if (rows.isEmpty()) {
            return "";
        }
        List<Evidence.Figure> header = rows.get(0).figures();
        StringBuilder out = new StringBuilder("| ").append(subjectTitle).append(" |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Evidence.Figure figure : header) {
            out.append(' ').append(figure.name()).append(" |");
            rule.append("---|");
        }
        out.append('\n').append(rule).append('\n');
        for (Evidence row : rows) {
            out.append("| ").append(row.subject()).append(" |");
            for (Evidence.Figure figure : row.figures()) {
                out.append(' ').append(value(figure).replace(" points", "")).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }
}

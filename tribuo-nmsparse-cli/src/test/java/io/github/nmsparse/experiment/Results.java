package io.github.nmsparse.experiment;

import io.github.nmsparse.engine.EpochRecord;

import java.util.ArrayList;
import java.util.List;

/** Hand-made run results for tests of the table, the claims and the reports. */
public final class Results {

    private Results() {
    }

    /**
     * @param accuracy test accuracy in [0, 1]
     * @param sad      SAD fraction per epoch
     * @return a run with those figures; the other figures are fixed
     */
    public static RunResult of(String method, String pattern, double sweptLambda, long seed, double accuracy, double... sad) {
        List<EpochRecord> epochs = new ArrayList<>();
        for (int e = 0; e < sad.length; e++) {
            epochs.add(new EpochRecord(e + 1, 1.0 / (e + 1), 0.5 + 0.01 * e, Double.NaN, Double.NaN, 1e-3, Math.round(sad[e] * 1e4), sad[e], 0, 0,
                    Math.round(sad[e] * 1000), List.of(Math.round(sad[e] * 1e4)), List.of(0L), List.of(0L), List.of(Math.round(sad[e] * 1000)), 1.5));
        }
        double density = pattern.equals("dense") ? 1 : (double) Integer.parseInt(pattern.split(":")[0]) / Integer.parseInt(pattern.split(":")[1]);
        double lambda = Double.isNaN(sweptLambda) ? (method.equals("SR_STE") ? 2e-4 : 2e-4) : sweptLambda;
        return new RunResult(new RunSpec(Method.named(method), pattern, sweptLambda, Double.NaN, seed), lambda, density, accuracy, 0.1, sad.length == 0 ? 0 : sad[sad.length - 1],
                100, 1000, 2.0, epochs, null);
    }
}

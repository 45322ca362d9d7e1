package io.github.nmsparse.experiment;

import java.io.Serializable;

/**
 * One training run of an experiment grid.
 *
 * @param method       the training method
 * @param pattern      the N:M pattern, or "dense" for dense training
 * @param lambdaW      the method's lambda_w for a sweep run, or NaN to keep its own
 * @param learningRate the learning rate of a grid that tries several, or NaN to keep the trainer's own
 * @param seed         the trainer's seed
 */
public record RunSpec(Method method, String pattern, double lambdaW, double learningRate, long seed) implements Serializable {

    /**
     * Result files written before grids had a learning-rate axis have no learning rate, which JSON reads back as 0.
     * No run trains at 0 (the trainer refuses it), so 0 means the trainer's own, as NaN does.
     */
    public RunSpec {
        if (learningRate == 0) {
            learningRate = Double.NaN;
        }
    }

    /** @return a name that identifies the run and is safe as a directory name, e.g. SR_STE-2of4-seed1 */
    public String id() {
        String lambda = Double.isNaN(lambdaW) ? "" : "-lw" + plain(lambdaW);
        String rate = Double.isNaN(learningRate) ? "" : "-lr" + plain(learningRate);
        return method + "-" + pattern.replace(":", "of") + lambda + rate + "-seed" + seed;
    }

    /** @return the cell of the results table this run belongs to: the run without its seed */
    public String cell() {
        String lambda = Double.isNaN(lambdaW) ? "" : " lambda_w=" + plain(lambdaW);
        String rate = Double.isNaN(learningRate) ? "" : " lr=" + plain(learningRate);
        return method + " " + pattern + lambda + rate;
    }

    /** @return a number in plain decimal notation without trailing zeros, e.g. 0.0002 */
    public static String plain(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}

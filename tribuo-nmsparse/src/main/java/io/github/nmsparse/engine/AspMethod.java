package io.github.nmsparse.engine;

/**
 * ASP, NVIDIA's recipe: train dense for a share of the epochs, prune once to N:M by magnitude, then fine-tune
 * with the mask fixed, masking both the gradients and the weights at every step.
 */
final class AspMethod implements SparsityMethod {

    private final double denseFraction;

    AspMethod(double denseFraction) {
        this.denseFraction = denseFraction;
    }

    /** @return the first epoch trained with the fixed mask: at least one epoch is always left to fine-tune */
    static int pruneEpoch(double denseFraction, int epochs) {
        return Math.min(epochs - 1, (int) Math.round(denseFraction * epochs));
    }

    @Override
    public void beforeStep(SparseWeights layer, TrainingClock clock) {
        if (!layer.isFrozen() && clock.epoch() >= pruneEpoch(denseFraction, clock.epochs())) {
            layer.pruneAndFreeze();
        }
    }

    @Override
    public void refineGradientRow(SparseWeights layer, int row, float[] weights, float[] gradient, float[] scratch) {
        if (layer.isFrozen()) {
            layer.maskRow(row, gradient);
        }
    }

    @Override
    public void afterUpdateRow(SparseWeights layer, int row, float[] weights, float[] scratch) {
        if (layer.isFrozen()) {
            layer.maskRow(row, weights);
            layer.writeMaskedRow(row, weights);
        }
    }
}

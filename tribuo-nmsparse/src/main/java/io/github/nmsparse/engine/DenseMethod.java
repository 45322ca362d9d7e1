package io.github.nmsparse.engine;

/** DENSE: no mask at all; the baseline every sparse result is measured against. */
final class DenseMethod implements SparsityMethod {

    @Override
    public boolean masksLayers() {
        return false;
    }

    @Override
    public void beforeStep(SparseWeights layer, TrainingClock clock) {
        throw new IllegalStateException("dense training has no sparse layers");
    }

    @Override
    public void afterUpdateRow(SparseWeights layer, int row, float[] weights, float[] scratch) {
        throw new IllegalStateException("dense training has no sparse layers");
    }
}

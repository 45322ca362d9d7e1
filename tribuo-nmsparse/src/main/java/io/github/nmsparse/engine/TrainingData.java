package io.github.nmsparse.engine;

/**
 * Training examples as dense row-major matrices.
 *
 * @param features {@code rows * inputs} floats
 * @param targets  {@code rows * outputs} floats, encoded for the objective (one-hot rows for classification)
 * @param rows     the number of examples
 */
public record TrainingData(float[] features, float[] targets, int rows) {

    /** Checks the row count. */
    public TrainingData {
        if (rows < 1) {
            throw new IllegalArgumentException("no training examples");
        }
        if (features.length % rows != 0 || targets.length % rows != 0) {
            throw new IllegalArgumentException(features.length + " features and " + targets.length
                    + " targets do not split into " + rows + " rows");
        }
    }

    /** @return features per row */
    public int inputs() {
        return features.length / rows;
    }

    /** @return targets per row */
    public int outputs() {
        return targets.length / rows;
    }
}

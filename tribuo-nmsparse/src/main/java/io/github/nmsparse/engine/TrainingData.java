package io.github.nmsparse.engine;

/**
 * Training examples as dense row-major matrices, handed to the engine as they are (not copied).
 */
public final class TrainingData {

    private final float[] features;
    private final float[] targets;
    private final int rows;

    /**
     * @param features {@code rows * inputs} floats
     * @param targets  {@code rows * outputs} floats, encoded for the objective (one-hot rows for classification)
     * @param rows     the number of examples
     * @throws IllegalArgumentException when there are no rows or the arrays do not split into them
     */
    public TrainingData(float[] features, float[] targets, int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("no training examples");
        }
        if (features.length % rows != 0 || targets.length % rows != 0) {
            throw new IllegalArgumentException(features.length + " features and " + targets.length
                    + " targets do not split into " + rows + " rows");
        }
        this.features = features;
        this.targets = targets;
        this.rows = rows;
    }

    /** @return the number of examples */
    public int rows() {
        return rows;
    }

    /** @return features per row */
    public int inputs() {
        return features.length / rows;
    }

    /** @return targets per row */
    public int outputs() {
        return targets.length / rows;
    }

    float[] features() {
        return features;
    }

    float[] targets() {
        return targets;
    }
}

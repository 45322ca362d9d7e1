package io.github.nmsparse.engine;

/**
 * Training examples as dense row-major matrices, handed to the engine as they are (not copied), and optionally a
 * validation hold-out in the same form, which the run evaluates after every epoch and never trains on.
 */
public final class TrainingData implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private final float[] features;
    private final float[] targets;
    private final int rows;
    private final TrainingData validation;

    /**
     * @param features {@code rows * inputs} floats
     * @param targets  {@code rows * outputs} floats, encoded for the objective (one-hot rows for classification)
     * @param rows     the number of examples
     * @throws IllegalArgumentException when there are no rows or the arrays do not split into them
     */
    public TrainingData(float[] features, float[] targets, int rows) {
        this(features, targets, rows, null);
    }

    private TrainingData(float[] features, float[] targets, int rows, TrainingData validation) {
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
        this.validation = validation;
    }

    /**
     * @param holdOut the validation rows, with as many inputs and outputs per row as these, and no hold-out of their own
     * @return these training rows with that validation hold-out
     * @throws IllegalArgumentException when the hold-out does not fit
     */
    public TrainingData withValidation(TrainingData holdOut) {
        if (holdOut.inputs() != inputs() || holdOut.outputs() != outputs() || holdOut.validation != null) {
            throw new IllegalArgumentException("a validation hold-out of " + holdOut.inputs() + " inputs and " + holdOut.outputs()
                    + " outputs does not fit training data of " + inputs() + " inputs and " + outputs() + " outputs");
        }
        return new TrainingData(features, targets, rows, holdOut);
    }

    /**
     * @param selected row numbers, each in [0, rows)
     * @return a copy of those rows, in that order, without a hold-out
     */
    public TrainingData select(int[] selected) {
        int inputs = inputs();
        int outputs = outputs();
        float[] x = new float[Math.multiplyExact(selected.length, inputs)];
        float[] y = new float[Math.multiplyExact(selected.length, outputs)];
        for (int i = 0; i < selected.length; i++) {
            System.arraycopy(features, selected[i] * inputs, x, i * inputs, inputs);
            System.arraycopy(targets, selected[i] * outputs, y, i * outputs, outputs);
        }
        return new TrainingData(x, y, selected.length);
    }

    /** @return the validation hold-out, or null when there is none */
    public TrainingData validation() {
        return validation;
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

package io.github.nmsparse.tribuo;

/** How the trainer scales each input feature, from statistics of the training data. */
public enum FeatureScaling {
    /** Raw values. */
    NONE,
    /** Divide by the feature's largest absolute value, giving [-1, 1]; keeps sparse inputs sparse (good for pixels). */
    MAX_ABS,
    /** Subtract the mean and divide by the standard deviation, counting absent features as zeros. */
    STANDARDIZE
}

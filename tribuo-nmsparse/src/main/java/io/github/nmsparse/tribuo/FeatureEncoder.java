package io.github.nmsparse.tribuo;

import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

/**
 * Turns Tribuo's sparse feature vectors into dense, scaled network input rows. Each known feature has a column:
 * its id for a multi-layer perceptron, its pixel for a convolutional network (see {@link ImageFeatures}), where
 * columns no feature names stay 0. Features the model does not know are ignored; values that are not finite are
 * refused with the feature's name, except in a feature that is NaN in every training example (as Tribuo's
 * MeanStdDevTransformation leaves a feature that is constant in the training data): such a feature carries no
 * information, is ignored with a warning, and its scale of 0 marks it ignored for predictions too.
 */
final class FeatureEncoder {

    private static final Logger LOGGER = Logger.getLogger(FeatureEncoder.class.getName());

    private final ImmutableFeatureMap featureMap;
    private final float[] shift;
    private final float[] scale;
    private final int[] columns;
    private final int width;

    FeatureEncoder(ImmutableFeatureMap featureMap, float[] shift, float[] scale) {
        this(featureMap, shift, scale, ImageFeatures.identity(featureMap.size()), featureMap.size());
    }

    /**
     * @param columns each feature id's column in the input row
     * @param width   the input row's width
     */
    FeatureEncoder(ImmutableFeatureMap featureMap, float[] shift, float[] scale, int[] columns, int width) {
        if (shift.length != featureMap.size() || scale.length != featureMap.size() || columns.length != featureMap.size()) {
            throw new IllegalArgumentException("scaling for " + shift.length + " features, but the feature map has " + featureMap.size());
        }
        this.featureMap = featureMap;
        this.shift = shift.clone();
        this.scale = scale.clone();
        this.columns = columns.clone();
        this.width = width;
    }

    /** @return this encoder's scaling, placing features into the pixels of an image of the given shape */
    FeatureEncoder forImage(int[] shape) {
        return new FeatureEncoder(featureMap, shift, scale, ImageFeatures.columns(featureMap, shape), shape[0] * shape[1] * shape[2]);
    }

    /**
     * Fits the scaling to the rows of a data set that are trained on.
     *
     * @param data       the training data
     * @param featureMap its feature map
     * @param scaling    the kind of scaling
     * @param fitted     the rows whose values the scaling is fitted to, in increasing order: all but a validation
     *                   hold-out, so that the hold-out measures the model as unseen data would; null for every row
     * @return the encoder
     */
    static <T extends Output<T>> FeatureEncoder fit(Dataset<T> data, ImmutableFeatureMap featureMap, FeatureScaling scaling, int[] fitted) {
        int width = featureMap.size();
        float[] shift = new float[width];
        float[] scale = new float[width];
        Arrays.fill(scale, 1f);
        double[] sum = new double[width];
        double[] sumSquares = new double[width];
        double[] maxAbs = new double[width];
        int[] firstNaN = new int[width];
        int[] nans = new int[width];
        int index = 0;
        int rows = 0;
        for (Example<T> example : data) {
            // Rows not fitted are held out; encode() refuses their NaNs unless the feature is ignored.
            if (fitted == null || (rows < fitted.length && fitted[rows] == index)) {
                rows++;
                for (Feature feature : example) {
                    int id = featureMap.getID(feature.getName());
                    if (id >= 0) {
                        double value = feature.getValue();
                        if (Double.isNaN(value)) {
                            firstNaN[id] = nans[id]++ == 0 ? index : firstNaN[id];
                            continue;
                        }
                        requireFinite(feature, index);
                        sum[id] += value;
                        sumSquares[id] += value * value;
                        maxAbs[id] = Math.max(maxAbs[id], Math.abs(value));
                    }
                }
            }
            index++;
        }
        if (fitted != null && rows != fitted.length) {
            throw new IllegalArgumentException("rows to fit must be increasing indices below " + index + ", got " + fitted.length
                    + " of which " + rows + " matched");
        }
        List<String> ignored = new ArrayList<>();
        for (int id = 0; id < width; id++) {
            if (nans[id] > 0) {
                String name = featureMap.get(id).getName();
                if (nans[id] < rows) {
                    throw new IllegalArgumentException("example " + firstNaN[id] + ": feature '" + name + "' is NaN; features must be "
                            + "finite numbers");
                }
                // NaN in every training example: what Tribuo's MeanStdDevTransformation makes of a feature constant in the
                // training data (0 / 0). It carries no information; a scale of 0 marks it ignored, in training and after.
                ignored.add(name);
                scale[id] = 0f;
            } else if (scaling == FeatureScaling.MAX_ABS) {
                scale[id] = maxAbs[id] > 0 ? (float) (1.0 / maxAbs[id]) : 1f;
            } else if (scaling == FeatureScaling.STANDARDIZE) {
                double mean = sum[id] / rows;
                double std = Math.sqrt(Math.max(0, sumSquares[id] / rows - mean * mean));
                shift[id] = (float) mean;
                scale[id] = std > 1e-12 ? (float) (1.0 / std) : 1f;
            }
            if (scale[id] == 0f && nans[id] == 0) {
                // A scale of 0 means "ignored": a real one that small would silently drop the feature.
                throw new IllegalArgumentException("feature '" + featureMap.get(id).getName() + "' has values too large to scale in "
                        + "single precision (largest magnitude " + maxAbs[id] + "); rescale it before training");
            }
        }
        if (!ignored.isEmpty()) {
            LOGGER.warning(ignored.size() + " feature(s) are NaN in every training example and are ignored (Tribuo's "
                    + "MeanStdDevTransformation gives NaN for a feature that is constant in the training data): "
                    + (ignored.size() <= 10 ? ignored : ignored.subList(0, 10) + " ..."));
        }
        return new FeatureEncoder(featureMap, shift, scale);
    }

    /**
     * Writes one example's scaled input row.
     *
     * @param example the example
     * @param index   its position, for error messages
     * @param row     the destination
     * @param offset  where the row starts
     * @return how many of the example's features the model knows
     * @throws IllegalArgumentException when a known feature's value is NaN or infinite
     */
    int encode(Example<?> example, int index, float[] row, int offset) {
        if (width != shift.length) {
            Arrays.fill(row, offset, offset + width, 0f);
        }
        for (int id = 0; id < shift.length; id++) {
            row[offset + columns[id]] = -shift[id] * scale[id];
        }
        int known = 0;
        for (Feature feature : example) {
            int id = featureMap.getID(feature.getName());
            if (id >= 0 && scale[id] != 0f) {
                row[offset + columns[id]] = (float) ((requireFinite(feature, index) - shift[id]) * scale[id]);
                known++;
            }
        }
        return known;
    }

    private static double requireFinite(Feature feature, int index) {
        double value = feature.getValue();
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("example " + index + ": feature '" + feature.getName() + "' is " + value
                    + "; features must be finite numbers");
        }
        return value;
    }

    /** @return the width of an input row */
    int width() {
        return width;
    }

    /** @return each feature id's column in the input row */
    int[] columns() {
        return columns.clone();
    }

    float[] shift() {
        return shift.clone();
    }

    float[] scale() {
        return scale.clone();
    }
}

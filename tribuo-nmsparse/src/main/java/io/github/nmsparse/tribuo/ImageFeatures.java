package io.github.nmsparse.tribuo;

import org.tribuo.ImmutableFeatureMap;

import java.util.Arrays;

/**
 * Where each feature goes in an image input of {@code channels x height x width}. Features name pixels by their index
 * in channel-major order, {@code (c * height + h) * width + w}; the engine holds images channels-last, so a pixel's
 * column in the input row is {@code (h * width + w) * channels + c} (the same for one channel). Two namings are
 * understood:
 * <ul>
 * <li>features named by pixel index, optionally after a prefix all names share: Tribuo's IDX reader names pixels
 * 000 to 783 this way, and leaves out pixels that are zero in every image, which then stay 0;</li>
 * <li>exactly one feature per pixel, whose names sort in pixel order, such as datasets/digits' px00 to px77 (row,
 * then column); names that end in a number sort by that number, so f1 ... f784 are in order too.</li>
 * </ul>
 * Anything else is refused with an error that says how to name the features.
 */
final class ImageFeatures {

    private ImageFeatures() {
    }

    /**
     * @param features the feature domain
     * @param shape    channels, height and width
     * @return for each feature id, its column in the channels-last input row
     * @throws IllegalArgumentException when the features cannot be placed in the image
     */
    static int[] columns(ImmutableFeatureMap features, int[] shape) {
        int size = shape[0] * shape[1] * shape[2];
        String prefix = commonPrefix(features);
        int[] byIndex = byPixelIndex(features, prefix, size);
        if (byIndex != null) {
            return channelsLast(byIndex, shape);
        }
        if (features.size() == size) {
            return channelsLast(byNameOrder(features, prefix), shape);
        }
        throw new IllegalArgumentException("the " + features.size() + " features cannot be placed in a " + shape[0] + "x"
                + shape[1] + "x" + shape[2] + " input: name them by pixel index, 0 to " + (size - 1) + " (channel-major, "
                + "then rows), optionally after a prefix they all share, as Tribuo's IDX reader does; or give exactly "
                + size + " features whose names sort in that order");
    }

    /**
     * @param pixels each feature's pixel index, channel-major
     * @param shape  channels, height and width
     * @return each feature's column in the channels-last input row
     */
    static int[] channelsLast(int[] pixels, int[] shape) {
        int channels = shape[0];
        int positions = shape[1] * shape[2];
        int[] columns = new int[pixels.length];
        for (int id = 0; id < pixels.length; id++) {
            int c = pixels[id] / positions;
            int position = pixels[id] % positions;
            columns[id] = position * channels + c;
        }
        return columns;
    }

    /** @return each feature's rank in name order: by the number after the common prefix when every name has one */
    private static int[] byNameOrder(ImmutableFeatureMap features, String prefix) {
        Integer[] ids = new Integer[features.size()];
        Arrays.setAll(ids, i -> i);
        long[] numbers = new long[features.size()];
        boolean numeric = true;
        for (int id = 0; id < features.size() && numeric; id++) {
            try {
                numbers[id] = Long.parseLong(features.get(id).getName().substring(prefix.length()));
            } catch (NumberFormatException e) {
                numeric = false;
            }
        }
        if (numeric) {
            Arrays.sort(ids, java.util.Comparator.comparingLong(id -> numbers[id]));
        } else {
            Arrays.sort(ids, java.util.Comparator.comparing(id -> features.get(id).getName()));
        }
        int[] columns = new int[ids.length];
        for (int rank = 0; rank < ids.length; rank++) {
            columns[ids[rank]] = rank;
        }
        return columns;
    }

    /** @return each feature's pixel when every name is a distinct pixel index after a common prefix, else null */
    private static int[] byPixelIndex(ImmutableFeatureMap features, String prefix, int size) {
        int[] columns = new int[features.size()];
        boolean[] used = new boolean[size];
        for (int id = 0; id < features.size(); id++) {
            int pixel;
            try {
                pixel = Integer.parseInt(features.get(id).getName().substring(prefix.length()));
            } catch (NumberFormatException e) {
                return null;
            }
            if (pixel < 0 || pixel >= size || used[pixel]) {
                return null;
            }
            used[pixel] = true;
            columns[id] = pixel;
        }
        return columns;
    }

    /** @return the longest prefix of non-digits that every feature name starts with */
    private static String commonPrefix(ImmutableFeatureMap features) {
        String prefix = null;
        for (int id = 0; id < features.size(); id++) {
            String name = features.get(id).getName();
            int digits = 0;
            while (digits < name.length() && !Character.isDigit(name.charAt(digits))) {
                digits++;
            }
            String own = name.substring(0, digits);
            if (prefix == null) {
                prefix = own;
            } else {
                int common = 0;
                while (common < Math.min(prefix.length(), own.length()) && prefix.charAt(common) == own.charAt(common)) {
                    common++;
                }
                prefix = prefix.substring(0, common);
            }
        }
        return prefix == null ? "" : prefix;
    }

    /** @return the identity mapping of a plain multi-layer perceptron's input */
    static int[] identity(int features) {
        int[] columns = new int[features];
        Arrays.setAll(columns, i -> i);
        return columns;
    }
}

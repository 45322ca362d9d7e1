package io.github.nmsparse.engine.network;

/**
 * The shape of one example's values between two blocks: channels x height x width, stored channels-last (the
 * channels of one position are adjacent). A vector of n features is n x 1 x 1.
 *
 * @param channels channels (the features of a vector)
 * @param height   height, 1 for a vector
 * @param width    width, 1 for a vector
 */
public record Shape(int channels, int height, int width) implements java.io.Serializable {

    /** Checks the sizes. */
    public Shape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("a shape needs channels, height and width of at least 1, got "
                    + channels + "x" + height + "x" + width);
        }
        if ((long) channels * height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a shape of " + channels + "x" + height + "x" + width + " is too large");
        }
    }

    /**
     * @param size the number of features
     * @return the shape of a vector
     */
    public static Shape vector(int size) {
        return new Shape(size, 1, 1);
    }

    /**
     * @param channelsHeightWidth channels, height and width
     * @return the shape of an image
     */
    public static Shape of(int[] channelsHeightWidth) {
        if (channelsHeightWidth.length != 3) {
            throw new IllegalArgumentException("an image shape is channels, height and width, got " + channelsHeightWidth.length + " numbers");
        }
        return new Shape(channelsHeightWidth[0], channelsHeightWidth[1], channelsHeightWidth[2]);
    }

    /** @return whether this is a vector: no spatial extent */
    public boolean isVector() {
        return height == 1 && width == 1;
    }

    /** @return the values of one example */
    public int size() {
        return channels * height * width;
    }

    /** @return the number of positions (height x width) */
    int positions() {
        return height * width;
    }

    /** @return "n" for a vector, "CxHxW" otherwise */
    @Override
    public String toString() {
        return isVector() ? Integer.toString(channels) : channels + "x" + height + "x" + width;
    }
}

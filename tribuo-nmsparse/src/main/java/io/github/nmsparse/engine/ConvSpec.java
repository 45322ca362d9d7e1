package io.github.nmsparse.engine;

/**
 * One convolution stage of a network: a square convolution, optional batch normalization, the network's activation,
 * then optional max pooling.
 *
 * @param channels  output channels
 * @param kernel    kernel height and width
 * @param stride    convolution stride
 * @param padding   zero padding on each side
 * @param batchNorm whether the convolution's output is batch-normalized before the activation
 * @param pool      max-pooling window and stride; 1 for no pooling
 */
public record ConvSpec(int channels, int kernel, int stride, int padding, boolean batchNorm, int pool) {

    /** Checks the settings. */
    public ConvSpec {
        if (channels < 1 || kernel < 1 || stride < 1 || padding < 0 || pool < 1) {
            throw new IllegalArgumentException("a convolution needs channels, kernel, stride and pool of at least 1 and "
                    + "padding of at least 0, got " + channels + " channels, kernel " + kernel + ", stride " + stride
                    + ", padding " + padding + ", pool " + pool);
        }
        if (padding >= kernel) {
            throw new IllegalArgumentException("padding " + padding + " is not smaller than the kernel " + kernel);
        }
    }

    /** A stage without batch normalization. */
    public ConvSpec(int channels, int kernel, int stride, int padding, int pool) {
        this(channels, kernel, stride, padding, false, pool);
    }

    /**
     * @param input the input's height (or width)
     * @return the convolution's output height (or width) before pooling; 0 when the kernel is larger than the
     *         padded input
     */
    public int convolvedSize(int input) {
        return input + 2 * padding < kernel ? 0 : (input + 2 * padding - kernel) / stride + 1;
    }

    /**
     * @param input the input's height (or width)
     * @return the stage's output height (or width), after pooling; 0 when nothing is left
     */
    public int outputSize(int input) {
        return convolvedSize(input) / pool;
    }

    /** @return the same stage without batch normalization (what a normalization folded into the weights leaves) */
    public ConvSpec withoutBatchNorm() {
        return new ConvSpec(channels, kernel, stride, padding, false, pool);
    }

    /**
     * @param text a stage written {@code CxK[sS][pP][bn][/Q]} (channels, kernel, optional stride, padding, batch
     *             normalization and pooling), e.g. {@code 16x3p1bn/2}: 16 channels, 3x3 kernel, stride 1, padding 1,
     *             batch normalization, 2x2 max pooling
     * @return the stage
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static ConvSpec parse(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)x(\\d+)(?:s(\\d+))?(?:p(\\d+))?(bn)?(?:/(\\d+))?")
                .matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a convolution of the form CxK[sS][pP][bn][/Q], e.g. 16x3p1/2 or 16x3p1bn/2");
        }
        return new ConvSpec(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 1 : Integer.parseInt(m.group(3)), m.group(4) == null ? 0 : Integer.parseInt(m.group(4)),
                m.group(5) != null, m.group(6) == null ? 1 : Integer.parseInt(m.group(6)));
    }

    @Override
    public String toString() {
        return channels + "x" + kernel + (stride == 1 ? "" : "s" + stride) + (padding == 0 ? "" : "p" + padding)
                + (batchNorm ? "bn" : "") + (pool == 1 ? "" : "/" + pool);
    }
}

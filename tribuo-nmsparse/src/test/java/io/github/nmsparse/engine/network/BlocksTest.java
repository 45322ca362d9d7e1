package io.github.nmsparse.engine.network;

import io.github.nmsparse.core.NMLayout;
import io.github.nmsparse.core.NMMask;
import io.github.nmsparse.core.NMPattern;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind of block against a hand computation or a direct formula, the grammar, shape inference and its errors. */
class BlocksTest {

    private static final NMPattern TWO_FOUR = NMPattern.parse("2:4");

    private static Network network(Shape input, String blocks, boolean masked, long seed) {
        return Network.initialize(Architecture.builder(input).pattern(TWO_FOUR).blocks(blocks).build(), masked, new SplittableRandom(seed));
    }

    /** @return a channels-first image as the engine's channels-last input */
    private static float[] channelsLast(float[] image, int channels, int height, int width) {
        float[] out = new float[image.length];
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < height * width; p++) {
                out[p * channels + c] = image[c * height * width + p];
            }
        }
        return out;
    }

    /** A direct convolution of one channels-first image: out[h][w][o] (channels-last), bias added. */
    private static float[] directConvolution(float[] image, int channels, int height, int width, float[] weights, float[] bias,
                                             int outChannels, int k, int stride, int padding) {
        int outH = (height + 2 * padding - k) / stride + 1;
        int outW = (width + 2 * padding - k) / stride + 1;
        float[] out = new float[outH * outW * outChannels];
        for (int oh = 0; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow++) {
                for (int o = 0; o < outChannels; o++) {
                    double sum = bias[o];
                    for (int kh = 0; kh < k; kh++) {
                        for (int kw = 0; kw < k; kw++) {
                            int h = oh * stride - padding + kh;
                            int w = ow * stride - padding + kw;
                            if (h < 0 || h >= height || w < 0 || w >= width) {
                                continue;
                            }
                            for (int c = 0; c < channels; c++) {
                                // Weights [o][kh][kw][c]; the image [c][h][w].
                                sum += weights[((o * k + kh) * k + kw) * channels + c] * image[(c * height + h) * width + w];
                            }
                        }
                    }
                    out[(oh * outW + ow) * outChannels + o] = (float) sum;
                }
            }
        }
        return out;
    }

    @Test
    void aConvolutionComputesTheDirectConvolutionAndMaxPoolingTakesEachWindowsLargest() {
        Shape input = new Shape(2, 9, 7);
        Network conv = network(input, "conv 3x3s2p1", false, 4);
        Network pooled = network(input, "conv 3x3s2p1, tanh, maxpool 2", false, 4);
        assertEquals(new Shape(3, 2, 2), pooled.architecture().output(), "9x7 -> 5x4 by the stride-2 convolution -> 2x2 by pooling");
        for (Network net : List.of(conv, pooled)) {
            net.parameters().get(1).writeRow(0, new float[] {0f, 0.1f, 0.2f});
        }
        SplittableRandom rng = new SplittableRandom(5);
        float[] image = new float[2 * 9 * 7];
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) rng.nextGaussian();
        }
        float[] weights = conv.layers().get(0).forwardWeights().data().asFloat();
        float[] expected = directConvolution(image, 2, 9, 7, weights, new float[] {0f, 0.1f, 0.2f}, 3, 3, 2, 1);
        float[] actual = conv.predict(channelsLast(image, 2, 9, 7), 1);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5, "output " + i);
        }
        // Max pooling of the 5x4 map in 2x2 windows: rows 0-1 and 2-3 (row 4 dropped), columns 0-1 and 2-3.
        float[] max = pooled.predict(channelsLast(image, 2, 9, 7), 1);
        for (int ph = 0; ph < 2; ph++) {
            for (int pw = 0; pw < 2; pw++) {
                for (int o = 0; o < 3; o++) {
                    float largest = Float.NEGATIVE_INFINITY;
                    for (int dh = 0; dh < 2; dh++) {
                        for (int dw = 0; dw < 2; dw++) {
                            largest = Math.max(largest, (float) Math.tanh(expected[((2 * ph + dh) * 4 + 2 * pw + dw) * 3 + o]));
                        }
                    }
                    assertEquals(largest, max[(ph * 2 + pw) * 3 + o], 1e-5);
                }
            }
        }
    }

    @Test
    void reluPassesTheGradientExactlyWhereItsInputIsPositive() {
        float[] z = {1f, -1f, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3.5e-39f, -2.5f, 1e-30f};
        float[] dy = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            dy[i] = i % 2 == 0 ? 0.75f + i : -1.25f - i;
        }
        float[] a = new float[z.length];
        float[] dx = new float[z.length];
        Activation.RELU.forward(z, a, z.length);
        Activation.RELU.backward(z, a, dy, dx, z.length);
        for (int i = 0; i < z.length; i++) {
            float expected = z[i] > 0f ? dy[i] : 0f;
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(dx[i]), "z = " + z[i] + ": dx " + dx[i]);
        }
        float[] overflowed = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        Activation.RELU.backward(new float[] {-1f, 2f}, new float[] {0f, 2f}, overflowed, dx, 2);
        assertTrue(Float.isNaN(dx[0]) && dx[1] == Float.POSITIVE_INFINITY, "an infinite gradient shows as NaN where z <= 0, not as 0");
    }

    @Test
    void averagePoolingGlobalPoolingFlattenAndAResidualSumComputeWhatTheySay() {
        float[] image = new float[2 * 4 * 4];
        for (int i = 0; i < image.length; i++) {
            image[i] = i * 0.25f - 3f;
        }
        // Channels-last 4x4x2: value (h, w, c) at (h * 4 + w) * 2 + c.
        float[] avg = network(new Shape(2, 4, 4), "avgpool 2", false, 1).predict(image, 1);
        float[] gap = network(new Shape(2, 4, 4), "gap", false, 1).predict(image, 1);
        float[] flat = network(new Shape(2, 4, 4), "flatten", false, 1).predict(image, 1);
        float[] residual = network(new Shape(2, 4, 4), "residual(tanh)", false, 1).predict(image, 1);
        for (int c = 0; c < 2; c++) {
            double total = 0;
            for (int p = 0; p < 16; p++) {
                total += image[p * 2 + c];
            }
            assertEquals(total / 16, gap[c], 1e-6, "channel " + c);
            for (int ph = 0; ph < 2; ph++) {
                for (int pw = 0; pw < 2; pw++) {
                    double window = 0;
                    for (int dh = 0; dh < 2; dh++) {
                        for (int dw = 0; dw < 2; dw++) {
                            window += image[((2 * ph + dh) * 4 + 2 * pw + dw) * 2 + c];
                        }
                    }
                    assertEquals(window / 4, avg[(ph * 2 + pw) * 2 + c], 1e-6);
                }
            }
        }
        for (int i = 0; i < image.length; i++) {
            assertEquals(image[i], flat[i], "flatten moves nothing");
            assertEquals(Math.tanh(image[i]) + image[i], residual[i], 1e-6, "tanh(x) + x");
        }
    }

    @Test
    void aResidualBlockProjectsItsInputWhenItsBodyChangesTheShape() {
        assertNull(ResidualBlock.Spec.projection(new Shape(16, 28, 28), new Shape(16, 28, 28)), "same shape: the identity");
        assertEquals(new ConvBlock.Spec(32, 1, 2, 0, true), ResidualBlock.Spec.projection(new Shape(16, 28, 28), new Shape(32, 14, 14)));
        assertEquals(new ConvBlock.Spec(64, 1, 2, 0, true), ResidualBlock.Spec.projection(new Shape(32, 7, 7), new Shape(64, 4, 4)));
        assertEquals(new ConvBlock.Spec(8, 1, 1, 0, true), ResidualBlock.Spec.projection(new Shape(4, 5, 5), new Shape(8, 5, 5)));
        Network net = network(new Shape(4, 8, 8), "residual(conv 8x3s2p1, bn, relu, conv 8x3p1, bn)", true, 2);
        assertEquals(new Shape(8, 4, 4), net.architecture().output());
        assertEquals(3, net.sparseWeights().size(), "two convolutions and the projection, all N:M");
        assertEquals(new NMLayout(8, 4, TWO_FOUR), net.sparseWeights().get(2).layout(), "the 1x1 projection: 4 input channels per row");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Architecture.builder(new Shape(4, 8, 8)).blocks("residual(conv 8x3)").build());
        assertTrue(e.getMessage().contains("block 1 (residual(conv 8x3)) does not fit its input 4x8x8: its body turns 4x8x8 into "
                + "8x6x6, which no 1x1 convolution projection of the input can match"), e.getMessage());
    }

    @Test
    void nmGroupsRunAlongInputChannelsOfEachKernelPosition() {
        // One output channel, a 2x2 kernel over 4 input channels: the row is [kh][kw][c], 16 weights, 4 groups of 4,
        // one per kernel position. In each group the two largest magnitudes are kept.
        float[] row = {
                // (0,0): c0..c3          (0,1)                  (1,0)                  (1,1)
                9, 1, 2, 8, /**/ 1, 7, 6, 2, /**/ -5, 4, -3, 0.5f, /**/ 0.1f, 0.2f, 0.4f, 0.3f};
        NMMask mask = NMMask.of(FloatBuffer.wrap(row), new NMLayout(1, 16, TWO_FOUR));
        boolean[] expected = {
                true, false, false, true, /**/ false, true, true, false, /**/ true, true, false, false, /**/ false, false, true, true};
        for (int i = 0; i < 16; i++) {
            assertEquals(expected[i], mask.isKept(0, i), "weight (kh, kw, c) = (" + i / 8 + ", " + i / 4 % 2 + ", " + i % 4 + ")");
        }
        // The same grouping inside a network: a convolution's weight matrix is out x (k*k*in), patches (kh, kw, c).
        Network net = network(new Shape(4, 3, 3), "conv 1x2", true, 1);
        assertEquals(new NMLayout(1, 16, TWO_FOUR), net.sparseWeights().get(0).layout());
        // A first layer with fewer channels than M: its 3x3x1 row of 9 weights is groups {0-3}, {4-7} and {8}, the
        // last keeping min(N, 1) = 1, so groups run on across kernel positions.
        NMLayout gray = network(new Shape(1, 5, 5), "conv 2x3", true, 1).sparseWeights().get(0).layout();
        assertEquals(3, gray.groupsPerRow());
        assertEquals(1, gray.keep(2));
        assertTrue(network(new Shape(1, 5, 5), "conv 2x3 dense", true, 1).sparseWeights().isEmpty(), "a convolution written dense stays dense");
    }

    @Test
    void everyBlockParsesFromItsTextAndPrintsTheSameText() {
        List<String> texts = List.of("dense 128", "dense 10 dense", "conv 16x3p1", "conv 32x5s2", "conv 8x1s2 dense",
                "bn", "relu", "tanh", "gelu", "maxpool 2", "avgpool 3", "gap", "flatten",
                "residual(conv 16x3p1, bn, relu, conv 16x3p1, bn)", "residual(residual(relu), bn)");
        for (String text : texts) {
            assertEquals(text, BlockGrammar.parse(text).toString());
            assertEquals(BlockGrammar.parse(text), BlockGrammar.parse(BlockGrammar.parse(text).toString()));
        }
        assertEquals(4, BlockGrammar.parseList("conv 16x3p1, bn, residual(conv 16x3p1, bn), relu").size());
        assertEquals("conv 16x3p1, bn, relu, maxpool 2", Architecture.convolutionStage("16x3p1bn/2", Activation.RELU));
        assertEquals("conv 32x5s2, tanh", Architecture.convolutionStage("32x5s2", Activation.TANH));
    }

    @Test
    void badTextAndImpossibleNetworksAreRefusedWithTheBlockNamed() {
        assertRefused("conv 16x3q1", "block 'conv 16x3q1': 'conv 16x3q1' is not of the form 'conv CxK[sS][pP]'");
        assertRefused("pool 2", "'pool 2' is not a block; blocks are dense, conv, bn, relu, tanh, gelu, maxpool, avgpool, gap, flatten, residual");
        assertRefused("relu 2", "'relu' takes no settings");
        assertRefused("residual()", "block 'residual()'");
        assertRefused("residual(relu", "leaves a parenthesis open");
        assertRefused("relu)", "closes a parenthesis it never opened");
        assertRefused("dense(relu)", "'dense' contains no blocks, so it takes no parentheses");
        assertRefused("dense 0", "a dense layer needs at least one unit, got 0");
        assertRefused("conv 4x3p3", "padding 3 is not smaller than the kernel 3");
        assertRefused("residual(".repeat(20) + "relu" + ")".repeat(20), "nests blocks more than 16 deep");
        assertShapeRefused(new Shape(1, 4, 4), "conv 2x5", "block 1 (conv 2x5) does not fit its input 1x4x4: a 5x5 kernel with padding 0 does not fit an input of 1x4x4");
        assertShapeRefused(new Shape(3, 8, 8), "conv 4x3, dense 10", "block 2 (dense 10) does not fit its input 4x6x6: it needs a vector input but gets 4x6x6; put flatten or gap before it");
        assertShapeRefused(new Shape(3, 3, 3), "maxpool 4", "a 4x4 window does not fit an input of 3x3x3");
        assertShapeRefused(new Shape(3, 8, 8), "residual(conv 4x3p1, dense 2)", "its body's block 2 (dense 2) does not fit");
        assertThrows(IllegalArgumentException.class, () -> Architecture.convolutionStage("16x", Activation.RELU));
    }

    private static void assertRefused(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockGrammar.parseList(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static void assertShapeRefused(Shape input, String blocks, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Architecture.builder(input).blocks(blocks).build());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aSnapshotPredictsWhatItsNetworkPredictsWithBatchNormalizationFoldedIn() {
        Network net = network(new Shape(2, 6, 6), "conv 4x3p1, bn, relu, residual(conv 4x3p1, bn, relu, conv 4x3p1, bn), relu, "
                + "residual(conv 8x3s2p1, bn, relu, conv 8x3p1, bn), relu, avgpool 3, flatten, dense 5, bn, tanh, dense 3", true, 3);
        // Training steps move the running statistics away from 0 and 1, so that folding has something to fold.
        Workspace train = net.workspace(8, true);
        SplittableRandom rng = new SplittableRandom(9);
        for (int step = 0; step < 3; step++) {
            FloatBuffer in = train.input();
            for (int i = 0; i < 8 * net.inputs(); i++) {
                in.put(i, (float) rng.nextGaussian() + 0.5f);
            }
            net.forward(train);
        }
        net.sparseWeights().forEach(SparseWeights::refreshMask);
        NetworkSnapshot snapshot = net.snapshot();
        assertEquals("conv 4x3p1, relu, residual(conv 4x3p1, relu, conv 4x3p1), relu, residual(conv 8x3s2p1, relu, conv 8x3p1), relu, "
                + "avgpool 3, flatten, dense 5, tanh, dense 3", snapshot.describe(), "every normalization that follows a layer is folded into it");
        assertEquals(8, snapshot.layers().size(), "five convolutions, a projection and two dense layers: " + snapshot.layers());
        float[] examples = new float[4 * net.inputs()];
        for (int i = 0; i < examples.length; i++) {
            examples[i] = (float) rng.nextGaussian();
        }
        float[] direct = net.predict(examples, 4);
        float[] folded = snapshot.toNetwork().predict(examples, 4);
        for (int i = 0; i < direct.length; i++) {
            assertEquals(direct[i], folded[i], 1e-4 * Math.max(1, Math.abs(direct[i])), "output " + i);
        }
        for (LayerWeights layer : snapshot.layers()) {
            assertTrue(layer.validity().isValid(), "scaling rows keeps their zeros: " + layer);
        }
        NetworkSnapshot copy = new NetworkSnapshot(snapshot.input(), snapshot.blocks());
        assertEquals(snapshot.describe(), copy.describe());
    }

    @Test
    void aSnapshotThatDoesNotFitItsBlocksIsRefused() {
        NetworkSnapshot snapshot = network(new Shape(1, 6, 6), "conv 4x3p1, relu, flatten, dense 3", true, 1).snapshot();
        List<BlockSnapshot> blocks = snapshot.blocks();
        BlockSnapshot conv = blocks.get(0);
        IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class, () -> new NetworkSnapshot(new Shape(2, 6, 6), blocks));
        assertTrue(wrongSize.getMessage().contains("block 1: block 'conv 4x3p1' needs a 4x18 weight matrix, got 4x9"), wrongSize.getMessage());
        List<BlockSnapshot> renamed = List.of(new BlockSnapshot("conv 4x3p1, relu", conv.weights(), java.util.Map.of(), List.of()),
                blocks.get(1), blocks.get(2), blocks.get(3));
        assertThrows(IllegalArgumentException.class, () -> new NetworkSnapshot(new Shape(1, 6, 6), renamed));
        List<BlockSnapshot> extra = List.of(conv, new BlockSnapshot("relu", conv.weights(), java.util.Map.of(), List.of()), blocks.get(2), blocks.get(3));
        IllegalArgumentException values = assertThrows(IllegalArgumentException.class, () -> new NetworkSnapshot(new Shape(1, 6, 6), extra));
        assertTrue(values.getMessage().contains("block 2: block 'relu' holds no weights"), values.getMessage());
    }
}

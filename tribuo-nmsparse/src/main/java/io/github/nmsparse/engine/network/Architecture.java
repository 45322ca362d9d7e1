package io.github.nmsparse.engine.network;

import io.github.nmsparse.core.NMPattern;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A network before it has weights: its input shape and its blocks, each checked against the shape the blocks before
 * it give, once, when it is built. An impossible network is refused then, with the block named.
 *
 * <p>Blocks are written as text (see the README's "Networks of blocks"): {@code conv 16x3p1}, {@code bn},
 * {@code relu}, {@code maxpool 2}, {@code avgpool 2}, {@code gap}, {@code flatten}, {@code dense 128},
 * {@code residual(conv 32x3s2p1, bn, relu, conv 32x3p1, bn)}.
 */
public final class Architecture implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Pattern STAGE = Pattern.compile("(\\d+)x(\\d+)(?:s(\\d+))?(?:p(\\d+))?(bn)?(?:/(\\d+))?");

    private final Shape input;
    private final List<BlockSpec> blocks;
    private final Shape output;
    private final NMPattern pattern;
    private final Activation initialization;

    private Architecture(Shape input, List<BlockSpec> blocks, NMPattern pattern, Activation initialization) {
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one block");
        }
        Shape shape = input;
        for (int i = 0; i < blocks.size(); i++) {
            try {
                shape = blocks.get(i).outputShape(shape);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("block " + (i + 1) + " (" + blocks.get(i) + ") does not fit its input " + shape
                        + ": " + e.getMessage(), e);
            }
        }
        this.input = input;
        this.blocks = List.copyOf(blocks);
        this.output = shape;
        this.pattern = pattern;
        this.initialization = initialization;
    }

    /**
     * @param input the shape of one example: a vector of features, or an image
     * @return a builder with no blocks, initializing for ReLU
     */
    public static Builder builder(Shape input) {
        return new Builder(input);
    }

    /**
     * Turns one convolution stage of the {@code convolutions} setting, {@code CxK[sS][pP][bn][/Q]}, into blocks.
     *
     * @param stage      e.g. {@code 16x3p1bn/2}: 16 channels, 3x3 kernel, stride 1, padding 1, batch normalization,
     *                   2x2 max pooling
     * @param activation the activation after the convolution
     * @return the stage's blocks as text, e.g. {@code conv 16x3p1, bn, relu, maxpool 2}
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static String convolutionStage(String stage, Activation activation) {
        Matcher m = STAGE.matcher(stage == null ? "" : stage.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + stage + "' is not a convolution of the form CxK[sS][pP][bn][/Q], e.g. 16x3p1/2 or 16x3p1bn/2");
        }
        String conv = "conv " + m.group(1) + "x" + m.group(2) + (m.group(3) == null ? "" : "s" + m.group(3))
                + (m.group(4) == null ? "" : "p" + m.group(4));
        String blocks = conv + (m.group(5) == null ? "" : ", bn") + ", " + activation.name().toLowerCase(java.util.Locale.ROOT)
                + (m.group(6) == null || m.group(6).equals("1") ? "" : ", maxpool " + m.group(6));
        BlockGrammar.parseList(blocks);
        return blocks;
    }

    /** @return the architecture of blocks given as specs, initializing for ReLU (prediction networks draw no weights) */
    static Architecture of(Shape input, List<BlockSpec> blocks) {
        return new Architecture(input, blocks, null, Activation.RELU);
    }

    /** @return the shape of one example's input */
    public Shape input() {
        return input;
    }

    /** @return the shape of one example's output */
    public Shape output() {
        return output;
    }

    List<BlockSpec> blocks() {
        return blocks;
    }

    /** @return the N:M pattern of the sparse layers, or null when every layer is dense */
    public NMPattern pattern() {
        return pattern;
    }

    /** @return the activation whose fan rule sets the initial weights' range */
    Activation initialization() {
        return initialization;
    }

    /** @return the input shape, the pattern and the blocks, the blocks as text that {@link Builder#blocks} reads back */
    @Override
    public String toString() {
        return "input " + input + ", " + (pattern == null ? "dense" : pattern + " N:M") + ": "
                + blocks.stream().map(Object::toString).collect(Collectors.joining(", "));
    }

    /** Serialized as its parts, so that deserializing checks the blocks again, as building does. */
    private Object writeReplace() {
        return new SerializedForm(input, blocks, pattern, initialization);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("an architecture is read through its serialized form");
    }

    private record SerializedForm(Shape input, List<BlockSpec> blocks, NMPattern pattern, Activation initialization)
            implements Serializable {
        private Object readResolve() {
            return new Architecture(input, blocks, pattern, initialization);
        }
    }

    /** Builds an {@link Architecture}, block by block, input side first. */
    public static final class Builder {
        private final Shape input;
        private final List<BlockSpec> blocks = new ArrayList<>();
        private NMPattern pattern;
        private Activation initialization = Activation.RELU;

        private Builder(Shape input) {
            this.input = input;
        }

        /**
         * @param text one or more blocks, separated by commas
         * @throws IllegalArgumentException naming the text that is not a block
         */
        public Builder blocks(String text) {
            blocks.addAll(BlockGrammar.parseList(text));
            return this;
        }

        /**
         * Adds the output layer, a dense layer of the network's outputs.
         *
         * @param units  the outputs
         * @param sparse whether it is N:M-sparse under a masking method (the paper keeps it dense)
         */
        public Builder output(int units, boolean sparse) {
            blocks.add(new DenseBlock.Spec(units, sparse));
            return this;
        }

        /**
         * @param pattern the N:M pattern of the sparse layers (every convolution and dense layer but those written
         *                {@code dense}, and the output layer unless asked), or null for none
         */
        public Builder pattern(NMPattern pattern) {
            this.pattern = pattern;
            return this;
        }

        /** @param activation the activation whose fan rule sets the initial weights' range (Glorot for tanh, He otherwise) */
        public Builder initialization(Activation activation) {
            this.initialization = activation;
            return this;
        }

        /**
         * @return the architecture
         * @throws IllegalArgumentException naming the first block that does not fit the shape it gets
         */
        public Architecture build() {
            return new Architecture(input, blocks, pattern, initialization);
        }
    }
}

package io.github.nmsparse.engine.network;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text form of blocks, as configurations, the builder and the command line write them: blocks separated by
 * commas, each a keyword and its settings ({@code conv 32x3s2p1}, {@code dense 128}, {@code maxpool 2}), and a
 * container's blocks in parentheses ({@code residual(conv 16x3p1, bn, relu, conv 16x3p1, bn)}).
 *
 * <p>The kinds of block are listed here, one line each; a new kind is its own file plus its line below.
 */
final class BlockGrammar {

    /** Reads one kind of block from its keyword, the text after it, and the blocks in its parentheses (or null). */
    @FunctionalInterface
    private interface Kind {
        BlockSpec parse(String keyword, String arguments, List<BlockSpec> contained);
    }

    private static final Map<String, Kind> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("dense", plain(DenseBlock.Spec::parse));
        KINDS.put("conv", plain(ConvBlock.Spec::parse));
        KINDS.put("bn", plain(BatchNormBlock.Spec::parse));
        KINDS.put("relu", plain(arguments -> ActivationBlock.Spec.parse("relu", arguments)));
        KINDS.put("tanh", plain(arguments -> ActivationBlock.Spec.parse("tanh", arguments)));
        KINDS.put("gelu", plain(arguments -> ActivationBlock.Spec.parse("gelu", arguments)));
        KINDS.put("maxpool", plain(MaxPoolBlock.Spec::parse));
        KINDS.put("avgpool", plain(AvgPoolBlock.Spec::parse));
        KINDS.put("gap", plain(GlobalAvgPoolBlock.Spec::parse));
        KINDS.put("flatten", plain(FlattenBlock.Spec::parse));
        KINDS.put("residual", (keyword, arguments, contained) -> {
            if (contained == null || !arguments.isBlank()) {
                throw new IllegalArgumentException("a residual block is written residual(BLOCK, BLOCK, ...), e.g. residual(conv 16x3p1, bn)");
            }
            return new ResidualBlock.Spec(contained);
        });
    }

    private static final Pattern BLOCK = Pattern.compile("([a-z]+)(.*)", Pattern.DOTALL);
    /** Deeper nesting is refused: no network here needs it, and text from a file must not exhaust the stack. */
    private static final int MAX_DEPTH = 16;

    private BlockGrammar() {
    }

    private static Kind plain(java.util.function.Function<String, BlockSpec> parser) {
        return (keyword, arguments, contained) -> {
            if (contained != null) {
                throw new IllegalArgumentException("'" + keyword + "' contains no blocks, so it takes no parentheses");
            }
            return parser.apply(arguments);
        };
    }

    /**
     * @param text blocks separated by commas
     * @return the blocks
     * @throws IllegalArgumentException naming the text that is not a block
     */
    static List<BlockSpec> parseList(String text) {
        List<BlockSpec> blocks = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ',';
            if (c == '(') {
                depth++;
                if (depth > MAX_DEPTH) {
                    throw new IllegalArgumentException("'" + text.trim() + "' nests blocks more than " + MAX_DEPTH + " deep");
                }
            } else if (c == ')') {
                depth--;
                if (depth < 0) {
                    throw new IllegalArgumentException("'" + text.trim() + "' closes a parenthesis it never opened");
                }
            } else if (c == ',' && depth == 0) {
                blocks.add(parse(text.substring(start, i)));
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("'" + text.trim() + "' leaves a parenthesis open");
        }
        return blocks;
    }

    /**
     * @param text one block
     * @return the block
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    static BlockSpec parse(String text) {
        String trimmed = text.trim();
        Matcher m = BLOCK.matcher(trimmed);
        Kind kind = m.matches() ? KINDS.get(m.group(1)) : null;
        if (kind == null) {
            throw new IllegalArgumentException("'" + trimmed + "' is not a block; blocks are " + String.join(", ", KINDS.keySet())
                    + ", e.g. conv 16x3p1, bn, relu, maxpool 2, residual(conv 16x3p1, bn), gap, dense 128");
        }
        String rest = m.group(2).trim();
        try {
            List<BlockSpec> contained = null;
            String arguments = rest;
            if (rest.startsWith("(")) {
                if (!rest.endsWith(")")) {
                    throw new IllegalArgumentException("it has text after its closing parenthesis");
                }
                contained = parseList(rest.substring(1, rest.length() - 1));
                arguments = "";
            }
            return kind.parse(m.group(1), arguments, contained);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("block '" + trimmed + "': " + e.getMessage(), e);
        }
    }
}

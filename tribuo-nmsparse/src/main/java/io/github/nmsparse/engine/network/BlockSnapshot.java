package io.github.nmsparse.engine.network;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One block of a trained network as a model keeps it: the block written as in a configuration ({@code conv
 * 32x3s2p1}, {@code relu}, {@code residual(...)}), its GEMM weights if it has any, its other values by name (a batch
 * normalization's {@code gamma}, {@code beta}, {@code mean}, {@code variance}), and the blocks it contains. The model
 * file stores this tree as it is, so it needs no code per kind of block. Immutable: arrays are copied in and out.
 */
public final class BlockSnapshot {

    private final String spec;
    private final LayerWeights weights;
    private final Map<String, float[]> vectors;
    private final List<BlockSnapshot> children;

    /**
     * @param spec     the block as written in a configuration
     * @param weights  its GEMM weights, or null
     * @param vectors  its other values by name (copied)
     * @param children the blocks it contains, in order
     */
    public BlockSnapshot(String spec, LayerWeights weights, Map<String, float[]> vectors, List<BlockSnapshot> children) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("a block snapshot needs the block's text");
        }
        this.spec = spec;
        this.weights = weights;
        Map<String, float[]> copy = new LinkedHashMap<>();
        vectors.forEach((name, values) -> copy.put(name, values.clone()));
        this.vectors = Collections.unmodifiableMap(copy);
        this.children = List.copyOf(children);
    }

    /** A block with nothing but its text (an activation, a pooling, ...). */
    static BlockSnapshot of(String spec) {
        return new BlockSnapshot(spec, null, Map.of(), List.of());
    }

    /** @return the block as written in a configuration */
    public String spec() {
        return spec;
    }

    /** @return its GEMM weights, or null when it has none */
    public LayerWeights weights() {
        return weights;
    }

    /** @return the names of its other values, in order */
    public Set<String> vectorNames() {
        return vectors.keySet();
    }

    /**
     * @param name a name from {@link #vectorNames()}
     * @return a copy of the values
     * @throws IllegalArgumentException when the block has no values of that name
     */
    public float[] vector(String name) {
        float[] values = vectors.get(name);
        if (values == null) {
            throw new IllegalArgumentException("block '" + spec + "' has no values named '" + name + "' (it has " + vectors.keySet() + ")");
        }
        return values.clone();
    }

    /** @return the blocks it contains, in order */
    public List<BlockSnapshot> children() {
        return children;
    }
}

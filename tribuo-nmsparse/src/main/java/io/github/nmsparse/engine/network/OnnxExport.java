package io.github.nmsparse.engine.network;

import java.util.List;
import java.util.Map;

/**
 * A network being written into an ONNX graph: the graph, and the count of GEMM layers written so far, which names
 * their initializers {@code layerK_weights} and {@code layerK_bias} (K from 0, input side first, as in the layer
 * table) so that a reader of the file finds each layer's N:M weights by name.
 *
 * @param <N> the graph's node type
 */
final class OnnxExport<N> {

    private final GraphWriter<N> graph;
    private int layers;
    private int constants;

    OnnxExport(GraphWriter<N> graph) {
        this.graph = graph;
    }

    /** @return the name of a layer's weight initializer */
    static String weightName(int layer) {
        return "layer" + layer + "_weights";
    }

    /** @return the index the next GEMM layer gets */
    int nextLayer() {
        return layers++;
    }

    N floats(String name, List<Integer> dims, float[] values) {
        return graph.floats(name, dims, values);
    }

    /** @return a scalar constant with a fresh name */
    N scalar(float value) {
        return graph.scalar("constant" + constants++, value);
    }

    /** @return a vector constant with a fresh name, shaped to broadcast over the channels of a tensor of this shape */
    N perChannel(float[] values, Shape shape) {
        List<Integer> dims = shape.isVector() ? List.of(values.length) : List.of(values.length, 1, 1);
        return graph.floats("constant" + constants++, dims, values);
    }

    N longs(String name, long[] values) {
        return graph.longs(name, values);
    }

    N op(String opType, List<N> inputs) {
        return graph.op(opType, inputs, Map.of());
    }

    N op(String opType, List<N> inputs, Map<String, Object> attributes) {
        return graph.op(opType, inputs, attributes);
    }
}

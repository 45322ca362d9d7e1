package io.github.nmsparse.engine.network;

import java.util.List;
import java.util.Map;

/**
 * The few things a network needs from an ONNX graph builder to write itself into it: initializers and operations by
 * their ONNX names ({@code Gemm}, {@code Conv}, {@code Add}, ...). The Tribuo layer implements it over Tribuo's
 * ONNX context, so the engine knows ONNX's operator set without depending on Tribuo.
 *
 * @param <N> the builder's node type
 */
public interface GraphWriter<N> {

    /**
     * @param name   the initializer's name, unique in the graph
     * @param dims   its dimensions
     * @param values its values, row-major
     * @return the initializer
     */
    N floats(String name, List<Integer> dims, float[] values);

    /**
     * @param name   the initializer's name, unique in the graph
     * @param values its values
     * @return a one-dimensional int64 initializer
     */
    N longs(String name, long[] values);

    /**
     * @param name  the constant's name, unique in the graph
     * @param value its value
     * @return a float scalar
     */
    N scalar(String name, float value);

    /**
     * @param opType     the ONNX operator, e.g. "Conv"
     * @param inputs     its inputs
     * @param attributes its attributes: Integer, Float, int[] or float[] values
     * @return its (single) output
     * @throws IllegalArgumentException when the builder does not know the operator
     */
    N op(String opType, List<N> inputs, Map<String, Object> attributes);
}

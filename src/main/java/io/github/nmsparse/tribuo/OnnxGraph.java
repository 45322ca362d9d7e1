package io.github.nmsparse.tribuo;

import io.github.nmsparse.engine.Activation;
import io.github.nmsparse.engine.NetworkSnapshot;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * Writes a model's forward pass as an ONNX graph: input scaling, then per layer a Gemm with the weights as a
 * dense [outputs, inputs] initializer (N:M layers keep their zeros, so the file states the pattern) and the
 * activation; the output transform comes from the adapter.
 */
final class OnnxGraph {

    private OnnxGraph() {
    }

    static ONNXNode write(ONNXRef<?> input, FeatureEncoder encoder, NetworkSnapshot snapshot) {
        ONNXContext onnx = input.onnxContext();
        ONNXNode x = input.apply(ONNXOperators.SUB, onnx.array("feature_shift", encoder.shift()))
                .apply(ONNXOperators.MUL, onnx.array("feature_scale", encoder.scale()));
        List<NetworkSnapshot.LayerSnapshot> layers = snapshot.layers();
        for (int i = 0; i < layers.size(); i++) {
            NetworkSnapshot.LayerSnapshot layer = layers.get(i);
            float[] weights = layer.weights();
            var w = onnx.floatTensor(weightName(i), List.of(layer.outputs(), layer.inputs()), buffer -> buffer.put(FloatBuffer.wrap(weights)));
            var b = onnx.array("layer" + i + "_bias", layer.biases());
            x = onnx.operation(ONNXOperators.GEMM, List.of(x, w, b), "layer" + i + "_gemm", Map.of("transB", 1));
            if (i < layers.size() - 1) {
                x = activate(x, snapshot.activation(), onnx, i);
            }
        }
        return x;
    }

    /** @return the name of a layer's weight initializer */
    static String weightName(int layer) {
        return "layer" + layer + "_weights";
    }

    private static ONNXNode activate(ONNXNode z, Activation activation, ONNXContext onnx, int layer) {
        return switch (activation) {
            case RELU -> z.apply(NMOnnxOperators.RELU);
            case TANH -> z.apply(NMOnnxOperators.TANH);
            // 0.5 z (1 + tanh(c (z + k z^3))), the engine's tanh form of GELU, from standard operators.
            case GELU -> {
                ONNXNode cube = z.apply(ONNXOperators.MUL, z).apply(ONNXOperators.MUL, z);
                ONNXNode inner = cube.apply(ONNXOperators.MUL, onnx.constant("gelu" + layer + "_k", 0.044715f))
                        .apply(ONNXOperators.ADD, z)
                        .apply(ONNXOperators.MUL, onnx.constant("gelu" + layer + "_c", 0.7978845608f));
                ONNXNode onePlus = inner.apply(NMOnnxOperators.TANH).apply(ONNXOperators.ADD, onnx.constant("gelu" + layer + "_one", 1f));
                yield onePlus.apply(ONNXOperators.MUL, z).apply(ONNXOperators.MUL, onnx.constant("gelu" + layer + "_half", 0.5f));
            }
        };
    }
}

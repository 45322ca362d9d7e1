package io.github.nmsparse.tribuo;

import io.github.nmsparse.engine.Activation;
import io.github.nmsparse.engine.ConvSpec;
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
 * activation; the output transform comes from the adapter. A convolutional network first places the features
 * into its [batch, channels, height, width] image (Gather, Reshape), runs each stage as Conv (weights [out, in, kh,
 * kw], the engine's [out][kh][kw][in] transposed), the activation and MaxPool, and flattens channels-last, as the
 * engine does, before the fully connected layers.
 */
final class OnnxGraph {

    private OnnxGraph() {
    }

    static ONNXNode write(ONNXRef<?> input, FeatureEncoder encoder, NetworkSnapshot snapshot) {
        ONNXContext onnx = input.onnxContext();
        ONNXNode x = input.apply(ONNXOperators.SUB, onnx.array("feature_shift", encoder.shift()))
                .apply(ONNXOperators.MUL, onnx.array("feature_scale", encoder.scale()));
        List<NetworkSnapshot.LayerSnapshot> layers = snapshot.layers();
        if (snapshot.convolutional()) {
            x = convolutions(x, encoder, snapshot);
        }
        for (int i = snapshot.convolutions().size(); i < layers.size(); i++) {
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

    private static ONNXNode convolutions(ONNXNode scaled, FeatureEncoder encoder, NetworkSnapshot snapshot) {
        ONNXContext onnx = scaled.onnxContext();
        int[] shape = snapshot.inputShape().stream().mapToInt(Integer::intValue).toArray();
        int features = encoder.columns().length;
        // Pixels no feature names read a zero appended as feature number "features".
        long[] pixelSource = new long[shape[0] * shape[1] * shape[2]];
        java.util.Arrays.fill(pixelSource, features);
        int[] columns = encoder.columns();
        for (int id = 0; id < features; id++) {
            pixelSource[columns[id]] = id;
        }
        ONNXNode zero = scaled.apply(ONNXOperators.GATHER, onnx.array("first_feature", new long[] {0}), Map.of("axis", 1))
                .apply(ONNXOperators.MUL, onnx.constant("zero", 0f));
        ONNXNode padded = onnx.operation(ONNXOperators.CONCAT, List.of(scaled, zero), "features_and_zero", Map.of("axis", 1));
        ONNXNode x = padded.apply(ONNXOperators.GATHER, onnx.array("pixel_source", pixelSource), Map.of("axis", 1))
                .apply(NMOnnxOperators.RESHAPE, onnx.array("image_shape", new long[] {-1, shape[0], shape[1], shape[2]}));
        int channels = shape[0];
        for (int i = 0; i < snapshot.convolutions().size(); i++) {
            ConvSpec conv = snapshot.convolutions().get(i);
            NetworkSnapshot.LayerSnapshot layer = snapshot.layers().get(i);
            float[] weights = layer.weights();
            int k = conv.kernel();
            float[] oihw = new float[weights.length];
            for (int o = 0; o < conv.channels(); o++) {
                for (int kh = 0; kh < k; kh++) {
                    for (int kw = 0; kw < k; kw++) {
                        for (int c = 0; c < channels; c++) {
                            oihw[((o * channels + c) * k + kh) * k + kw] = weights[((o * k + kh) * k + kw) * channels + c];
                        }
                    }
                }
            }
            var w = onnx.floatTensor(weightName(i), List.of(conv.channels(), channels, k, k), buffer -> buffer.put(FloatBuffer.wrap(oihw)));
            var b = onnx.array("layer" + i + "_bias", layer.biases());
            x = onnx.operation(NMOnnxOperators.CONV, List.of(x, w, b), "layer" + i + "_conv", Map.of(
                    "kernel_shape", new int[] {k, k}, "strides", new int[] {conv.stride(), conv.stride()},
                    "pads", new int[] {conv.padding(), conv.padding(), conv.padding(), conv.padding()}));
            x = activate(x, snapshot.activation(), onnx, i);
            if (conv.pool() > 1) {
                x = x.apply(NMOnnxOperators.MAX_POOL, Map.of("kernel_shape", new int[] {conv.pool(), conv.pool()},
                        "strides", new int[] {conv.pool(), conv.pool()}, "pads", new int[] {0, 0, 0, 0}));
            }
            channels = conv.channels();
        }
        return x.apply(NMOnnxOperators.TRANSPOSE, Map.of("perm", new int[] {0, 2, 3, 1}))
                .apply(NMOnnxOperators.FLATTEN, Map.of("axis", 1));
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

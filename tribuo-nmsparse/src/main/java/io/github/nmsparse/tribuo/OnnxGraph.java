package io.github.nmsparse.tribuo;

import io.github.nmsparse.engine.network.GraphWriter;
import io.github.nmsparse.engine.network.NetworkSnapshot;
import io.github.nmsparse.engine.network.Shape;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a model's forward pass as an ONNX graph: the input scaling, then, for a network on images, the features
 * placed into a [batch, channels, height, width] image (Gather, Reshape), then the network's blocks, each writing
 * itself through {@link GraphWriter} (GEMM layers as Gemm or Conv whose weight initializers are the N:M-sparse matrices,
 * zeros included, so the file states the pattern). The output transform comes from the adapter.
 */
final class OnnxGraph implements GraphWriter<ONNXRef<?>> {

    /** Every operator the blocks use, by ONNX name: Tribuo's and the plugin's own. */
    private static final Map<String, ONNXOperator> OPERATORS = new HashMap<>();

    static {
        for (ONNXOperator op : ONNXOperators.values()) {
            OPERATORS.put(op.getOpName(), op);
        }
        for (ONNXOperator op : NMOnnxOperators.values()) {
            OPERATORS.put(op.getOpName(), op);
        }
    }

    private final ONNXContext onnx;

    private OnnxGraph(ONNXContext onnx) {
        this.onnx = onnx;
    }

    static ONNXNode write(ONNXRef<?> input, FeatureEncoder encoder, NetworkSnapshot snapshot) {
        ONNXContext onnx = input.onnxContext();
        ONNXNode x = input.apply(ONNXOperators.SUB, onnx.array("feature_shift", encoder.shift()))
                .apply(ONNXOperators.MUL, onnx.array("feature_scale", encoder.scale()));
        if (!snapshot.input().isVector()) {
            x = image(x, encoder, snapshot.input());
        }
        ONNXRef<?> output = snapshot.writeOnnx(new OnnxGraph(onnx), x);
        if (!(output instanceof ONNXNode node)) {
            throw new IllegalStateException("the network's last block wrote no operation");
        }
        return node;
    }

    /** Places the scaled features into [batch, channels, height, width]; pixels no feature names read 0. */
    private static ONNXNode image(ONNXNode scaled, FeatureEncoder encoder, Shape shape) {
        ONNXContext onnx = scaled.onnxContext();
        int[] columns = encoder.columns();
        int features = columns.length;
        // The encoder's columns are channels-last; ONNX's image is channels-first. Missing pixels read feature
        // number "features", a zero appended below.
        long[] pixelSource = new long[shape.size()];
        Arrays.fill(pixelSource, features);
        int positions = shape.height() * shape.width();
        for (int id = 0; id < features; id++) {
            int channel = columns[id] % shape.channels();
            int position = columns[id] / shape.channels();
            pixelSource[channel * positions + position] = id;
        }
        ONNXNode zero = scaled.apply(ONNXOperators.GATHER, onnx.array("first_feature", new long[] {0}), Map.of("axis", 1))
                .apply(ONNXOperators.MUL, onnx.constant("zero", 0f));
        ONNXNode padded = onnx.operation(ONNXOperators.CONCAT, List.of(scaled, zero), "features_and_zero", Map.of("axis", 1));
        return padded.apply(ONNXOperators.GATHER, onnx.array("pixel_source", pixelSource), Map.of("axis", 1))
                .apply(NMOnnxOperators.RESHAPE, onnx.array("image_shape", new long[] {-1, shape.channels(), shape.height(), shape.width()}));
    }

    @Override
    public ONNXRef<?> floats(String name, List<Integer> dims, float[] values) {
        return onnx.floatTensor(name, dims, buffer -> buffer.put(FloatBuffer.wrap(values)));
    }

    @Override
    public ONNXRef<?> scalar(String name, float value) {
        return onnx.constant(name, value);
    }

    @Override
    public ONNXRef<?> longs(String name, long[] values) {
        return onnx.array(name, values);
    }

    @Override
    public ONNXRef<?> op(String opType, List<ONNXRef<?>> inputs, Map<String, Object> attributes) {
        ONNXOperator op = OPERATORS.get(opType);
        if (op == null) {
            throw new IllegalArgumentException("ONNX export knows no operator '" + opType + "'; add it to NMOnnxOperators");
        }
        return onnx.operation(op, inputs, opType.toLowerCase(java.util.Locale.ROOT), attributes);
    }
}

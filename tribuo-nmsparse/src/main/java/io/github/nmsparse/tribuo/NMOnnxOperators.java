package io.github.nmsparse.tribuo;

import ai.onnx.proto.OnnxMl;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The standard ONNX operators this plugin exports that Tribuo 4.3's operator set lacks. */
enum NMOnnxOperators implements ONNXOperator {
    /** Element-wise max(0, x). */
    RELU("Relu", 1, 0),
    /** Element-wise tanh(x). */
    TANH("Tanh", 1, 0),
    /** 2-D convolution of [batch, channels, height, width] by weights [out, in, kh, kw], plus an optional bias. */
    CONV("Conv", 2, 1, ints("kernel_shape"), ints("pads"), ints("strides")),
    /** Max pooling over windows of [batch, channels, height, width]. */
    MAX_POOL("MaxPool", 1, 0, ints("kernel_shape"), ints("pads"), ints("strides")),
    /** Permutes a tensor's axes. */
    TRANSPOSE("Transpose", 1, 0, ints("perm")),
    /** Flattens every axis from "axis" on into one. */
    FLATTEN("Flatten", 1, 0, new ONNXAttribute("axis", OnnxMl.AttributeProto.AttributeType.INT, false)),
    /** Gives a tensor a new shape, from an int64 tensor (-1: inferred). */
    RESHAPE("Reshape", 2, 0),
    /** Average pooling over windows of [batch, channels, height, width]. */
    AVERAGE_POOL("AveragePool", 1, 0, ints("kernel_shape"), ints("pads"), ints("strides")),
    /** The mean of each channel over all positions: [batch, channels, 1, 1]. */
    GLOBAL_AVERAGE_POOL("GlobalAveragePool", 1, 0);

    private final String opName;
    private final int inputs;
    private final int optionalInputs;
    private final Map<String, ONNXAttribute> attributes;

    NMOnnxOperators(String opName, int inputs, int optionalInputs, ONNXAttribute... attributes) {
        this.opName = opName;
        this.inputs = inputs;
        this.optionalInputs = optionalInputs;
        Map<String, ONNXAttribute> byName = new LinkedHashMap<>();
        for (ONNXAttribute attribute : attributes) {
            byName.put(attribute.getName(), attribute);
        }
        this.attributes = Collections.unmodifiableMap(byName);
    }

    private static ONNXAttribute ints(String name) {
        return new ONNXAttribute(name, OnnxMl.AttributeProto.AttributeType.INTS, false);
    }

    @Override
    public String getOpName() {
        return opName;
    }

    @Override
    public int getNumInputs() {
        return inputs;
    }

    @Override
    public int getNumOptionalInputs() {
        return optionalInputs;
    }

    @Override
    public int getNumOutputs() {
        return 1;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
        return attributes;
    }

    @Override
    public Set<String> getMandatoryAttributeNames() {
        return Collections.emptySet();
    }

    /** The same opset as Tribuo's own operators. */
    @Override
    public int getOpVersion() {
        return 13;
    }

    @Override
    public String getOpDomain() {
        return "ai.onnx";
    }
}

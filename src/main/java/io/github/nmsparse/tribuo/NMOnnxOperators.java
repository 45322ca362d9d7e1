package io.github.nmsparse.tribuo;

import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;

import java.util.Collections;
import java.util.Map;
import java.util.Set;

/** The standard ONNX operators this plugin exports that Tribuo 4.3's operator set lacks. */
enum NMOnnxOperators implements ONNXOperator {
    /** Element-wise max(0, x). */
    RELU("Relu"),
    /** Element-wise tanh(x). */
    TANH("Tanh");

    private final String opName;

    NMOnnxOperators(String opName) {
        this.opName = opName;
    }

    @Override
    public String getOpName() {
        return opName;
    }

    @Override
    public int getNumInputs() {
        return 1;
    }

    @Override
    public int getNumOptionalInputs() {
        return 0;
    }

    @Override
    public int getNumOutputs() {
        return 1;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
        return Collections.emptyMap();
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

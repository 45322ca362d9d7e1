package io.github.nmsparse.tribuo;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import io.github.nmsparse.engine.Objective;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.Prediction;
import org.tribuo.util.onnx.ONNXNode;

/**
 * Everything that depends on the output type: the loss, how a Tribuo output becomes a target row, and how a row
 * of network outputs becomes a Tribuo prediction. A new output type is one adapter; the trainer does not change.
 *
 * @param <T> the output type
 */
public interface OutputAdapter<T extends Output<T>> extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /** @return the loss to train with, whose transform gives what {@link #decode} reads */
    Objective objective();

    /** @return the factory of this output type, for loading data */
    OutputFactory<T> outputFactory();

    /**
     * Checks that an output domain can be learned at all, before any training.
     *
     * @param info the training data's output domain
     * @throws IllegalArgumentException naming what makes it unlearnable
     */
    default void requireLearnable(ImmutableOutputInfo<T> info) {
    }

    /**
     * The stratum of an output for a stratified validation hold-out: its class for single-label classification, one
     * stratum for every output otherwise.
     *
     * @param output an example's output
     * @param info   the training data's output domain
     * @return a stratum id, at least 0
     */
    default int stratum(T output, ImmutableOutputInfo<T> info) {
        return 0;
    }

    /** @return whether predictions carry probabilities */
    boolean generatesProbabilities();

    /**
     * Writes the target row of one output.
     *
     * @param output the example's output
     * @param info   the output domain the model is trained on
     * @param target the target matrix
     * @param offset where the row starts; {@code info.size()} floats are written
     */
    void encode(T output, ImmutableOutputInfo<T> info, float[] target, int offset);

    /**
     * Builds a prediction from one row of transformed network outputs.
     *
     * @param outputs  the transformed outputs
     * @param offset   where the row starts
     * @param info     the output domain
     * @param used     how many of the example's features the model knows
     * @param example  the example
     * @return the prediction
     */
    Prediction<T> decode(float[] outputs, int offset, ImmutableOutputInfo<T> info, int used, Example<T> example);

    /**
     * Appends to an exported ONNX graph what {@code objective().transform} and {@link #decode} do to the raw
     * outputs before a prediction reads them (softmax, sigmoid, or the inverse of target scaling).
     *
     * @param raw  the network's raw outputs in the graph
     * @param info the output domain
     * @return the node holding what the ONNX model outputs
     */
    ONNXNode onnxOutput(ONNXNode raw, ImmutableOutputInfo<T> info);
}

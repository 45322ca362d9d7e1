package io.github.nmsparse.engine.method;

import io.github.nmsparse.engine.network.DeviceSparseWeights;
import io.github.nmsparse.engine.network.MaskedLayer;
import io.github.nmsparse.engine.network.SparseWeights;
import org.nd4j.linalg.api.ndarray.INDArray;
import io.github.nmsparse.engine.state.RunComponent;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;

import java.io.IOException;
import java.util.List;

/**
 * A way of training N:M-sparse layers, in the spirit of torch.ao.pruning's sparsifiers, and a configurable component
 * the way Tribuo's optimisers are: its settings are {@code @Config} fields, and each training run uses a
 * {@link #copy()} whose run state (if it keeps any) is saved in checkpoints through {@link #save}/{@link #restore}.
 * For every training step the trainer calls, in this order:
 * <ol>
 *   <li>{@link #beforeStep}, with every sparse layer: set up what the forward pass reads;</li>
 *   <li>(forward and backward passes: each sparse layer's gradient is dLoss/dW~)</li>
 *   <li>for every row of every sparse layer, in one fused pass over the weights: {@link #refineGradientRow}
 *       (turn dLoss/dW~ into the gradient the optimizer applies to the master weights W), the optimizer's update
 *       of the row, {@link #decoupledStepRow} (a step of the method's own on W, outside the optimizer), then
 *       {@link #afterUpdateRow} (update the mask and write the row of W~ for the next step).</li>
 * </ol>
 * The row hooks may run on several threads at once, for different rows. The ops executor calls the same hooks in
 * the same order, a whole matrix at a time and as ND4J ops: {@link #refineGradient}, {@link #decoupledStep} and
 * {@link #afterUpdate}.
 *
 * <p>A new method is one class implementing this, plus one line where the experiment layer lists methods.
 */
public interface SparsityMethod extends RunComponent {

    /** @return whether layers chosen for sparsity carry a mask at all (false only for dense training) */
    default boolean masksLayers() {
        return true;
    }

    /**
     * @param layers every sparse layer, input side first (host or device ones, as the executor has them)
     * @param clock  where training stands
     */
    void beforeStep(List<? extends MaskedLayer> layers, TrainingClock clock);

    /**
     * @param layer    a sparse layer
     * @param row      the row
     * @param weights  the row of W before the update
     * @param gradient the row's dLoss/dW~, to refine in place
     * @param scratch  a row-sized array free for use
     */
    default void refineGradientRow(SparseWeights layer, int row, float[] weights, float[] gradient, float[] scratch) {
    }

    /**
     * @param layer   a sparse layer
     * @param row     the row
     * @param weights the row of W just updated by the optimizer; it may be changed in place
     * @param scratch a row-sized array free for use
     */
    void afterUpdateRow(SparseWeights layer, int row, float[] weights, float[] scratch);

    /**
     * A change of the method's own to W right after the optimizer's update, which the optimizer's momentum or
     * adaptive scaling never sees, the way AdamW applies weight decay. The mask is still the one the step's forward
     * pass used. Nothing by default.
     *
     * @param layer        a sparse layer
     * @param row          the row
     * @param weights      the row of W just updated by the optimizer, to change in place
     * @param learningRate the step's learning rate
     * @param scratch      a row-sized array free for use
     */
    default void decoupledStepRow(SparseWeights layer, int row, float[] weights, float learningRate, float[] scratch) {
    }

    /**
     * The ops executor's {@link #refineGradientRow}, for the whole matrix.
     *
     * @param layer    a sparse layer
     * @param gradient its dLoss/dW~, to refine in place
     */
    default void refineGradient(DeviceSparseWeights layer, INDArray gradient) {
    }

    /**
     * The ops executor's {@link #decoupledStepRow}, for the whole matrix (the layer holds W).
     *
     * @param layer        a sparse layer whose W the optimizer just updated
     * @param learningRate the step's learning rate
     */
    default void decoupledStep(DeviceSparseWeights layer, float learningRate) {
    }

    /**
     * The ops executor's {@link #afterUpdateRow}, for the whole matrix (the layer holds W).
     *
     * @param layer a sparse layer whose W the optimizer just updated
     * @throws UnsupportedOperationException for a method written for the fused executor only
     */
    default void afterUpdate(DeviceSparseWeights layer) {
        throw new UnsupportedOperationException("the training method " + getClass().getSimpleName()
                + " has no form for the OPS executor; train it with the FUSED executor on the CPU backend");
    }

    /** @return a new instance with this one's settings and a fresh run state, for one training run */
    default SparsityMethod copy() {
        return (SparsityMethod) freshCopy();
    }

    /** A method keeps no run state unless it says so. */
    @Override
    default void save(StateOutput out) throws IOException {
    }

    @Override
    default void restore(StateInput in) throws IOException {
    }

    /**
     * Where a training run stands.
     *
     * @param epoch  the current epoch, from 0
     * @param epochs the number of epochs
     */
    record TrainingClock(int epoch, int epochs) {
    }
}

package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.same.Abs;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The N:M state of one sparse layer on the ops executor, twin of a host {@link SparseWeights}: the master weights W
 * (the weight parameter's array), the mask E in use as 0/1 values, the masked weights W~ = W * E, and the flips
 * counted on the backend. Training methods drive it a whole matrix at a time; the host reads the mask and the flips
 * only when {@link #publish()}ed, once an epoch.
 */
public final class DeviceSparseWeights implements MaskedLayer {

    private final SparseWeights host;
    private final INDArray master;
    private final INDArray masked;
    private final DeviceMask kernel;
    private final INDArray difference;
    private final INDArray stepFlips;
    private final INDArray flips;
    private INDArray mask;
    private INDArray next;
    private boolean active;

    DeviceSparseWeights(SparseWeights host, INDArray master) {
        this.host = host;
        this.master = master;
        long rows = host.layout().rows();
        long cols = host.layout().cols();
        this.masked = Nd4j.create(DataType.FLOAT, rows, cols);
        this.mask = Nd4j.create(DataType.FLOAT, rows, cols);
        this.next = Nd4j.create(DataType.FLOAT, rows, cols);
        this.difference = Nd4j.create(DataType.FLOAT, rows, cols);
        this.stepFlips = Nd4j.create(DataType.FLOAT, new long[0]);
        this.flips = Nd4j.create(DataType.DOUBLE, new long[0]);
        this.kernel = new DeviceMask(host.layout());
    }

    @Override
    public void refreshMask() {
        refresh();
        active = true;
    }

    @Override
    public void pruneToCurrentMask() {
        kernel.compute(master, mask);
        maskWeights();
        active = true;
    }

    @Override
    public boolean isActive() {
        return active;
    }

    /** Recomputes the mask from the current W, counts the positions that changed, and writes W~ (STE and SR-STE). */
    public void refresh() {
        kernel.compute(master, next);
        next.sub(mask, difference);
        Nd4j.exec(new Abs(difference, difference));
        difference.sum(stepFlips, 0, 1);
        flips.addi(stepFlips);
        INDArray previous = mask;
        mask = next;
        next = previous;
        master.mul(mask, masked);
    }

    /**
     * Adds SR-STE's refinement {@code lambda * (W - W~)} to the gradient, which is {@code lambda * (1 - E) * W}: the
     * fused executor's arithmetic, in its order.
     *
     * @param gradient the weights' dLoss/dW~, refined in place
     * @param lambda   the decay
     */
    public void decayPruned(INDArray gradient, float lambda) {
        master.sub(masked, difference);
        difference.muli(lambda);
        gradient.addi(difference);
    }

    /**
     * Shrinks the pruned weights of W, {@code W <- W - factor * (1 - E) * W}, in the fused executor's arithmetic:
     * {@code W - factor * (W - E * W)}.
     *
     * @param factor the share of each pruned weight taken off
     */
    public void shrinkPruned(float factor) {
        master.mul(mask, difference);
        difference.rsubi(master).muli(factor);
        master.subi(difference);
    }

    /** Zeroes the pruned positions of a gradient. */
    public void maskGradient(INDArray gradient) {
        gradient.muli(mask);
    }

    /** Zeroes the pruned weights of W and writes W~ from it (ASP's fixed mask). */
    public void maskWeights() {
        master.muli(mask);
        masked.assign(master);
    }

    /** @return the masked weights W~ that the forward pass reads while the mask is active */
    INDArray masked() {
        return masked;
    }

    /** Copies the host twin's mask, W~ and state in; the flips start from zero. */
    void load() {
        HostMemory.write(mask, host.maskValues());
        float[] values = new float[(int) host.layout().size()];
        host.maskedWeights().get(0, values);
        HostMemory.write(masked, values);
        active = host.isActive();
        flips.assign(0.0);
    }

    /** Copies the mask, W~, whether it is active and the flips counted since the last publish out to the host twin. */
    void publish() {
        long counted = Math.round(HostMemory.readDouble(flips));
        flips.assign(0.0);
        host.setFromDevice(HostMemory.read(mask), HostMemory.read(masked), active, counted);
    }
}

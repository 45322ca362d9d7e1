package io.github.nmsparse.engine;

import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.network.DeviceNetwork;
import io.github.nmsparse.engine.network.DeviceParameter;
import io.github.nmsparse.engine.network.DeviceSparseWeights;
import io.github.nmsparse.engine.network.HostMemory;
import io.github.nmsparse.engine.network.Network;
import io.github.nmsparse.engine.network.SparseWeights;
import io.github.nmsparse.engine.optimizer.DeviceUpdate;
import io.github.nmsparse.engine.optimizer.Optimizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ops executor: the data, the weights, masks, optimizer moments and every tensor of a step stay ND4J arrays on
 * the backend and all per-step work is ND4J ops. A step writes the batch's row indices (one small host write, tagged)
 * and reads the loss and accuracy (one two-value host read); the host network and optimizer get the trained state at
 * {@link #publish()}, once an epoch. Its state is loaded from the host at the first step, so a run restored from a
 * checkpoint, whichever executor wrote it, resumes from the restored state.
 */
final class OpsExecutor implements StepExecutor {

    private final DeviceNetwork network;
    private final Objective objective;
    private final SparsityMethod method;
    private final Optimizer optimizer;
    private final INDArray features;
    private final INDArray targets;
    private final Map<Integer, Batch> batches = new HashMap<>();
    private DeviceUpdate update;

    /** A batch size's arrays: the row indices, the gathered targets, the workspace, the loss, the gather ops. */
    private static final class Batch {
        final int[] rows;
        final INDArray indices;
        final INDArray targets;
        final DeviceNetwork.DeviceWorkspace workspace;
        final DeviceLoss loss;
        final CustomOp gatherInputs;
        final CustomOp gatherTargets;

        Batch(int size, DeviceNetwork network, Objective objective, INDArray features, INDArray allTargets) {
            this.rows = new int[size];
            this.indices = Nd4j.create(DataType.INT32, size);
            this.workspace = network.workspace(size, true);
            this.targets = Nd4j.create(DataType.FLOAT, size, allTargets.columns());
            this.loss = objective.onDevice(size, (int) allTargets.columns());
            this.gatherInputs = gather(features, indices, workspace.input());
            this.gatherTargets = gather(allTargets, indices, targets);
        }

        private static CustomOp gather(INDArray source, INDArray indices, INDArray target) {
            return DynamicCustomOp.builder("gather").addInputs(source, indices).addOutputs(target).addIntegerArguments(0).build();
        }
    }

    /**
     * @throws UnsupportedOperationException naming a block, method, optimizer or objective without an ops form, before
     *                                       anything trains
     */
    OpsExecutor(Network network, Objective objective, TrainingData data, SparsityMethod method, Optimizer optimizer) {
        this.network = DeviceNetwork.of(network);
        this.objective = objective;
        this.method = method;
        this.optimizer = optimizer;
        requireOpsForm(objective.getClass(), Objective.class, "onDevice", int.class, int.class);
        requireOpsForm(optimizer.getClass(), Optimizer.class, "onDevice", List.class);
        if (method.masksLayers()) {
            requireOpsForm(method.getClass(), SparsityMethod.class, "afterUpdate", DeviceSparseWeights.class);
            // The decoupled step does nothing by default; a method with a fused one needs its ops form, or OPS would skip it.
            if (declaredBelow(method.getClass(), SparsityMethod.class, "decoupledStepRow", SparseWeights.class, int.class, float[].class,
                    float.class, float[].class)) {
                requireOpsForm(method.getClass(), SparsityMethod.class, "decoupledStep", DeviceSparseWeights.class, float.class);
            }
        }
        this.features = HostMemory.upload(data.features(), data.rows(), data.inputs());
        this.targets = HostMemory.upload(data.targets(), data.rows(), data.outputs());
    }

    /**
     * A component has an ops form when its class overrides the interface's default, which refuses: checked here so
     * that a run is refused before its first step, not in the middle of an update.
     */
    private static void requireOpsForm(Class<?> type, Class<?> contract, String name, Class<?>... parameters) {
        if (!declaredBelow(type, contract, name, parameters)) {
            throw new UnsupportedOperationException(contract.getSimpleName() + " " + type.getSimpleName()
                    + " has no form for the OPS executor (no " + name + "); use the FUSED executor on the CPU backend");
        }
    }

    /** @return whether the type overrides the contract's default of the method */
    private static boolean declaredBelow(Class<?> type, Class<?> contract, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters).getDeclaringClass() != contract;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(contract.getSimpleName() + " has no method " + name, e);
        }
    }

    @Override
    public Outcome step(int[] order, int from, int size, SparsityMethod.TrainingClock clock, float learningRate, long step) {
        loadOnce();
        Batch b = batches.computeIfAbsent(size, n -> new Batch(n, network, objective, features, targets));
        System.arraycopy(order, from, b.rows, 0, size);
        HostMemory.write(b.indices, b.rows);
        Nd4j.exec(b.gatherInputs);
        Nd4j.exec(b.gatherTargets);
        method.beforeStep(network.sparseWeights(), clock);
        DeviceNetwork.DeviceWorkspace ws = b.workspace;
        network.forward(ws);
        float[] lossAndAccuracy = b.loss.lossAndGradient(ws.output(), b.targets, ws.outputGradient());
        double loss = lossAndAccuracy[0];
        if (Double.isFinite(loss)) {
            network.backward(ws);
            for (DeviceParameter p : network.parameters()) {
                if (p.sparse() != null) {
                    method.refineGradient(p.sparse(), p.gradient());
                }
                update.update(p, learningRate, step);
                if (p.sparse() != null) {
                    method.decoupledStep(p.sparse(), learningRate);
                    method.afterUpdate(p.sparse());
                }
            }
        }
        return new Outcome(loss, lossAndAccuracy[1]);
    }

    @Override
    public float[] predict(float[] features, int rows) {
        loadOnce();
        return network.predict(features, rows);
    }

    /** Loads the host network's and optimizer's state again at the next step, as after a restore. */
    @Override
    public void reload() {
        update = null;
    }

    /** @return the network on the backend */
    DeviceNetwork network() {
        return network;
    }

    /** Loads the state from the host before the first step (or prediction), and after a {@link #reload()}. */
    private void loadOnce() {
        if (update == null) {
            network.load();
            update = optimizer.onDevice(network.parameters());
        }
    }

    @Override
    public void publish() {
        if (update != null) {
            network.publish();
            update.publish();
        }
    }
}

package io.github.nmsparse.engine;

import io.github.nmsparse.core.NMMask;
import io.github.nmsparse.core.NMPattern;
import io.github.nmsparse.engine.CheckpointResumeTest.FinalState;
import io.github.nmsparse.engine.CheckpointResumeTest.Outcome;
import io.github.nmsparse.engine.method.Asp;
import io.github.nmsparse.engine.method.DecoupledSrSte;
import io.github.nmsparse.engine.method.Dense;
import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.method.Ste;
import io.github.nmsparse.engine.network.Architecture;
import io.github.nmsparse.engine.network.HostMemory;
import io.github.nmsparse.engine.network.LayerWeights;
import io.github.nmsparse.engine.network.Parameter;
import io.github.nmsparse.engine.network.Shape;
import io.github.nmsparse.engine.optimizer.AdamW;
import io.github.nmsparse.engine.optimizer.Optimizer;
import io.github.nmsparse.engine.optimizer.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.github.nmsparse.engine.CheckpointResumeTest.assertSameRun;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data-parallel training ({@link DataParallel}) with its replicas in this JVM: one replica is the single-machine run,
 * whatever the rounds; replicas that agree average to what each trained; and a replica travels as Java serialization
 * sends it to a Spark task.
 */
class DataParallelTest {

    private static final int EPOCHS = 4;
    private static final Architecture MLP = TrainingMethodsTest.mlp(30);
    private static final Architecture RESIDUAL = Architecture.builder(new Shape(1, 6, 6)).pattern(NMPattern.parse("2:4"))
            .blocks("conv 4x3p1, bn, relu, residual(conv 4x3p1, bn, relu, conv 4x3p1, bn), relu, gap").output(3, false).build();

    private static TrainingPlan plan(SparsityMethod method, Optimizer optimizer, Executor executor) {
        return TrainingPlan.builder().method(method).optimizer(optimizer).learningRate(1e-2).epochs(EPOCHS).warmupEpochs(1)
                .batchSize(40).seed(11).executor(executor).build();
    }

    private static TrainingData data(Architecture network) {
        return network == MLP ? TrainingMethodsTest.syntheticData(230, 30, 5) : ConvNetTest.bars(160, 4);
    }

    private static Outcome run(Architecture network, TrainingPlan plan, TrainingData data, DataParallel parallel, CheckpointPolicy checkpoints,
                               TrainingListener... more) throws IOException {
        FinalState state = new FinalState();
        List<TrainingListener> listeners = new ArrayList<>(List.of(more));
        listeners.add(state);
        TrainingResult result = NetworkTrainer.train(network, new SoftmaxCrossEntropy(), plan, data, listeners, checkpoints, parallel);
        return new Outcome(result, state.bytes);
    }

    /**
     * The ops executor writes a pruned masked weight as W * 0, a signed zero, where the driver's host recomputation of the
     * masks writes +0: the sparse layers' sections are then compared by value, through the prediction weights.
     */
    private static void assertSameRunByValue(Outcome expected, Outcome actual, String what) {
        assertEquals(expected.state().keySet(), actual.state().keySet(), what);
        for (String piece : expected.state().keySet()) {
            if (!piece.startsWith("sparse layer")) {
                assertArrayEquals(expected.state().get(piece), actual.state().get(piece), what + ": " + piece);
            }
        }
        assertEquals(expected.result().history().stream().map(EpochRecord::withoutTime).toList(),
                actual.result().history().stream().map(EpochRecord::withoutTime).toList(), what + ": history, SAD and flips included");
        List<LayerWeights> a = expected.result().network().snapshot().layers();
        List<LayerWeights> b = actual.result().network().snapshot().layers();
        for (int i = 0; i < a.size(); i++) {
            for (int k = 0; k < a.get(i).weights().length; k++) {
                assertEquals(a.get(i).weights()[k], b.get(i).weights()[k], 0f, what + ": layer " + i + ", weight " + k);
            }
        }
    }

    private static DataParallel inThisJvm(int partitions, int localSteps) {
        return new DataParallel(partitions, localSteps, ReplicaPool.inThisJvm());
    }

    @Test
    void oneReplicaIsTheSingleMachineRunWhateverItsRounds() throws IOException {
        for (SparsityMethod method : List.of(new Dense(), new Ste(), new SrSte(2e-3), new DecoupledSrSte(2e-1), new Asp(0.5))) {
            for (Optimizer optimizer : List.of(new AdamW(1e-4), new Sgd(0.9, true, 1e-4))) {
                TrainingPlan plan = plan(method, optimizer, Executor.AUTO);
                Outcome single = run(MLP, plan, data(MLP), null, null);
                // 230 rows at batch 40 make 6 steps an epoch: one round of 6, rounds of 4 and 2, and rounds of 1.
                for (int localSteps : List.of(1000, 4, 1)) {
                    assertSameRun(single, run(MLP, plan, data(MLP), inThisJvm(1, localSteps), null),
                            method.describe() + " with " + optimizer.describe() + ", " + localSteps + " local steps");
                }
            }
        }
    }

    /** The driver validates the averaged network, and early stopping stops and restores the best epoch, as alone. */
    @Test
    void oneReplicaWithAHoldOutStopsEarlyAsTheSingleMachineRunDoes() throws IOException {
        TrainingData all = TrainingMethodsTest.syntheticData(300, 30, 8);
        TrainingData data = all.select(java.util.stream.IntStream.range(0, 230).toArray())
                .withValidation(all.select(java.util.stream.IntStream.range(230, 300).toArray()));
        TrainingPlan plan = TrainingPlan.builder().method(new SrSte(2e-3)).optimizer(new AdamW(1e-4)).learningRate(5e-2).epochs(12)
                .batchSize(40).seed(3).build();
        Outcome single = run(MLP, plan, data, null, null, new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, 2, true));
        Outcome parallel = run(MLP, plan, data, inThisJvm(1, 4), null, new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, 2, true));
        assertTrue(single.result().history().stream().allMatch(r -> Double.isFinite(r.validationLoss())), "the hold-out is validated");
        assertTrue(single.result().history().size() < 12, "the run stops early: " + single.result().history().size() + " epochs");
        assertSameRun(single, parallel, "with a hold-out and early stopping");
    }

    @Test
    void oneReplicaOfAResidualNetworkIsTheSingleMachineRunOnEitherExecutor() throws IOException {
        for (Executor executor : List.of(Executor.FUSED, Executor.OPS)) {
            // The ops executor as on a GPU: host and backend memory kept apart.
            HostMemory.simulateSplitMemory(executor == Executor.OPS);
            try {
                TrainingPlan plan = plan(new SrSte(2e-3), new AdamW(1e-4), executor);
                Outcome single = run(RESIDUAL, plan, data(RESIDUAL), null, null);
                Outcome parallel = run(RESIDUAL, plan, data(RESIDUAL), inThisJvm(1, 3), null);
                if (executor == Executor.OPS) {
                    assertSameRunByValue(single, parallel, "OPS, rounds of 3 steps");
                } else {
                    assertSameRun(single, parallel, executor + ", rounds of 3 steps");
                }
            } finally {
                HostMemory.simulateSplitMemory(false);
            }
        }
    }

    /** @return the data with every row twice in a row: split in two, each shard is the data itself */
    private static TrainingData eachRowTwice(TrainingData data) {
        int[] rows = new int[2 * data.rows()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i / 2;
        }
        return data.select(rows);
    }

    @Test
    void replicasThatAgreeAverageToWhatEachTrained() throws IOException {
        for (SparsityMethod method : List.of(new SrSte(2e-3), new Asp(0.5))) {
            TrainingPlan plan = plan(method, new AdamW(1e-4), Executor.AUTO);
            Outcome single = run(MLP, plan, data(MLP), null, null);
            assertSameRun(single, run(MLP, plan, eachRowTwice(data(MLP)), inThisJvm(2, 4), null), method.describe() + ", two replicas");
        }
    }

    @Test
    void averagedWeightsGetTheMethodsMasksAndLeaveTheSingleMachineRun() throws IOException {
        TrainingPlan plan = plan(new SrSte(2e-3), new AdamW(1e-4), Executor.AUTO);
        Outcome single = run(MLP, plan, data(MLP), null, null);
        Outcome parallel = run(MLP, plan, data(MLP), inThisJvm(2, 2), null);
        assertFalse(java.util.Arrays.equals(single.state().get("weights"), parallel.state().get("weights")),
                "two replicas on different halves train another network");
        for (Parameter p : parallel.result().network().parameters()) {
            if (p.sparse() != null) {
                FloatBuffer weights = FloatBuffer.allocate(p.size());
                float[] row = new float[p.cols()];
                for (int r = 0; r < p.rows(); r++) {
                    p.readRow(r, row);
                    weights.put(r * p.cols(), row);
                }
                assertEquals(NMMask.of(weights, p.sparse().layout()), p.sparse().currentMask(),
                        "SR-STE's mask is the N:M mask of the averaged dense weights");
            }
        }
        List<EpochRecord> history = parallel.result().history();
        assertEquals(EPOCHS, history.size());
        assertTrue(history.get(EPOCHS - 1).loss() < history.get(0).loss(), "the averaged network learns: " + history);
        assertTrue(history.stream().allMatch(r -> r.flips() > 0), "the replicas' flips are counted");
    }

    @Test
    void aDataParallelRunResumesFromItsCheckpoint(@TempDir Path dir) throws IOException {
        TrainingPlan plan = plan(new SrSte(2e-3), new Sgd(0.9, true, 1e-4), Executor.AUTO);
        Outcome uninterrupted = run(MLP, plan, data(MLP), inThisJvm(2, 2), null);
        CheckpointPolicy policy = new CheckpointPolicy(dir, 1);
        assertThrows(CheckpointResumeTest.Crash.class, () -> run(MLP, plan, data(MLP), inThisJvm(2, 2), policy,
                new CheckpointResumeTest.CrashDuring(2)));
        assertSameRun(uninterrupted, run(MLP, plan, data(MLP), inThisJvm(2, 2), policy), "resumed after epoch 1");
        IllegalArgumentException otherRun = assertThrows(IllegalArgumentException.class,
                () -> run(MLP, plan, data(MLP), inThisJvm(2, 3), policy));
        assertTrue(otherRun.getMessage().contains("another run"), otherRun.getMessage());
    }

    @Test
    void shardsThatWouldStepApartAreRefusedWithTheirSizes() {
        TrainingPlan plan = TrainingPlan.builder().method(new SrSte()).optimizer(new AdamW()).learningRate(1e-2).epochs(1)
                .batchSize(64).seed(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(MLP, plan, TrainingMethodsTest.syntheticData(257, 30, 5), inThisJvm(2, 4), null));
        assertTrue(e.getMessage().contains("129 rows") && e.getMessage().contains("different numbers of steps"), e.getMessage());
        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                () -> run(MLP, plan, TrainingMethodsTest.syntheticData(3, 30, 5), inThisJvm(4, 4), null));
        assertTrue(tooFew.getMessage().contains("cannot be split into 4 partitions"), tooFew.getMessage());
        assertThrows(IllegalArgumentException.class, () -> inThisJvm(0, 1));
        assertThrows(IllegalArgumentException.class, () -> inThisJvm(1, 0));
    }

    @Test
    void aReplicaSentThroughJavaSerializationRunsTheSameRound() throws Exception {
        TrainingPlan plan = plan(new Asp(0.25), new Sgd(0.9, true, 1e-4), Executor.AUTO);
        Replica replica = new Replica(0, RESIDUAL, new SoftmaxCrossEntropy(), plan, data(RESIDUAL));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(replica);
        }
        Replica sent;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            sent = (Replica) in.readObject();
        }
        byte[][] start = StateSections.save(new TrainingSession(RESIDUAL, new SoftmaxCrossEntropy(), plan, data(RESIDUAL)).states(), true);
        Replica.Result here = replica.round(start, 3);
        Replica.Result there = sent.round(start, 3);
        assertArrayEquals(here.losses(), there.losses());
        for (int i = 0; i < here.state().length; i++) {
            assertArrayEquals(here.state()[i], there.state()[i], "section " + i);
        }
        // A round run again from the same state (a retried task) returns the same result.
        Replica.Result again = replica.round(start, 3);
        for (int i = 0; i < here.state().length; i++) {
            assertArrayEquals(here.state()[i], again.state()[i], "section " + i + " again");
        }
        assertArrayEquals(here.flips(), again.flips());
    }
}

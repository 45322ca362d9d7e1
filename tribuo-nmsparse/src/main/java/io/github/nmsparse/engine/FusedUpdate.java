package io.github.nmsparse.engine;

import io.github.nmsparse.engine.method.SparsityMethod;
import io.github.nmsparse.engine.network.Parameter;
import io.github.nmsparse.engine.optimizer.Optimizer;

import java.util.List;
import java.util.stream.IntStream;

/**
 * The update of all parameters after a backward pass, in one pass over each weight matrix: for every row, the
 * training method refines the gradient (SR-STE's decay), the optimizer updates the row, the method takes its own
 * decoupled step if it has one, and it updates the row's mask and writes its masked weights, flips counted on the
 * way. Rows are copied in bulk out of the off-heap buffers and back, and large matrices are split over the cores.
 */
final class FusedUpdate {

    /** Matrices at least this large are split over threads; below it, the hand-off costs more than it saves. */
    private static final int PARALLEL_THRESHOLD = 1 << 15;
    private static final int PARALLELISM = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private FusedUpdate() {
    }

    static void apply(List<Parameter> parameters, Optimizer optimizer, SparsityMethod method, float learningRate, long step) {
        for (Parameter p : parameters) {
            int chunks = p.size() < PARALLEL_THRESHOLD ? 1 : Math.min(p.rows(), PARALLELISM);
            if (chunks == 1) {
                updateRows(p, optimizer, method, learningRate, step, 0, p.rows());
            } else {
                IntStream.range(0, chunks).parallel().forEach(c -> updateRows(p, optimizer, method, learningRate, step,
                        c * p.rows() / chunks, (c + 1) * p.rows() / chunks));
            }
        }
    }

    private static void updateRows(Parameter p, Optimizer optimizer, SparsityMethod method, float learningRate, long step,
                                   int fromRow, int toRow) {
        int cols = p.cols();
        float[] weights = new float[cols];
        float[] gradient = new float[cols];
        float[] scratch = p.sparse() == null ? null : new float[cols];
        for (int r = fromRow; r < toRow; r++) {
            p.readRow(r, weights);
            p.readGradientRow(r, gradient);
            if (p.sparse() != null) {
                method.refineGradientRow(p.sparse(), r, weights, gradient, scratch);
            }
            optimizer.updateRow(p, r, weights, gradient, learningRate, step);
            if (p.sparse() != null) {
                method.decoupledStepRow(p.sparse(), r, weights, learningRate, scratch);
                method.afterUpdateRow(p.sparse(), r, weights, scratch);
            }
            p.writeRow(r, weights);
        }
    }
}

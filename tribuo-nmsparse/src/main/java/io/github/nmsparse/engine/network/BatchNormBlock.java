package io.github.nmsparse.engine.network;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.summarystats.Variance;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.factory.Nd4j;
import io.github.nmsparse.engine.state.NamedState;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;
import io.github.nmsparse.engine.state.TrainingState;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bn}: batch normalization of each channel, {@code y = gamma * (x - mean) / sqrt(var + eps) + beta}, over
 * examples and positions: with the batch's statistics while training, which also update running averages (saved in
 * checkpoints), and with those running averages for prediction. Where oneDNN is loaded it runs on oneDNN's primitive
 * ({@link OneDnnBatchNorm}), off the heap beside the convolutions; elsewhere in Java loops over the heap values.
 * Right after a convolution or dense layer it folds into that layer's weights and biases for prediction: each output
 * row is scaled, so its N:M zeros stay zeros.
 */
final class BatchNormBlock extends Block {

    static final float EPSILON = 1e-5f;
    /** The weight of each batch in the running averages, as in PyTorch. */
    static final float MOMENTUM = 0.1f;

    /** The block has no settings. */
    record Spec() implements BlockSpec {

        static Spec parse(String arguments) {
            if (!arguments.isBlank()) {
                throw new IllegalArgumentException("'bn' takes no settings, got '" + arguments.trim() + "'");
            }
            return new Spec();
        }

        @Override
        public Shape outputShape(Shape input) {
            return input;
        }

        @Override
        public Block build(Shape input, Init init) {
            return new BatchNormBlock(input);
        }

        @Override
        public void check(Shape input, BlockSnapshot snapshot) {
            int c = input.channels();
            WeightsCheck.require(snapshot, 0, 0, Map.of("gamma", c, "beta", c, "mean", c, "variance", c));
        }

        @Override
        public Block restore(Shape input, BlockSnapshot snapshot) {
            check(input, snapshot);
            BatchNormBlock block = new BatchNormBlock(input);
            block.copyIn(snapshot);
            return block;
        }

        @Override
        public <N> N writeOnnx(OnnxExport<N> out, N x, Shape input, BlockSnapshot snapshot) {
            float[] gamma = snapshot.vector("gamma");
            float[] variance = snapshot.vector("variance");
            float[] scale = new float[gamma.length];
            for (int c = 0; c < scale.length; c++) {
                scale[c] = gamma[c] / (float) Math.sqrt(variance[c] + EPSILON);
            }
            N centred = out.op("Sub", List.of(x, out.perChannel(snapshot.vector("mean"), input)));
            N scaled = out.op("Mul", List.of(centred, out.perChannel(scale, input)));
            return out.op("Add", List.of(scaled, out.perChannel(snapshot.vector("beta"), input)));
        }

        @Override
        public String toString() {
            return "bn";
        }
    }

    private final int channels;
    private final float[] gamma;
    private final float[] beta;
    private final float[] gammaGradient;
    private final float[] betaGradient;
    private final float[] runningMean;
    private final float[] runningVariance;
    private final List<Parameter> parameters;

    private BatchNormBlock(Shape input) {
        super(input, input);
        this.channels = input.channels();
        this.gamma = new float[channels];
        this.beta = new float[channels];
        this.gammaGradient = new float[channels];
        this.betaGradient = new float[channels];
        this.runningMean = new float[channels];
        this.runningVariance = new float[channels];
        Arrays.fill(gamma, 1f);
        Arrays.fill(runningVariance, 1f);
        this.parameters = List.of(new Parameter(FloatBuffer.wrap(gamma), FloatBuffer.wrap(gammaGradient), 1, channels, false, null),
                new Parameter(FloatBuffer.wrap(beta), FloatBuffer.wrap(betaGradient), 1, channels, false, null));
    }

    private void copyIn(BlockSnapshot snapshot) {
        System.arraycopy(snapshot.vector("gamma"), 0, gamma, 0, channels);
        System.arraycopy(snapshot.vector("beta"), 0, beta, 0, channels);
        System.arraycopy(snapshot.vector("mean"), 0, runningMean, 0, channels);
        System.arraycopy(snapshot.vector("variance"), 0, runningVariance, 0, channels);
    }

    /**
     * The batch's output; for training the normalized values, 1 / std per channel, and dLoss/d(input). Where oneDNN
     * is loaded, its primitive and the per-channel arrays it reads and writes instead.
     */
    private static final class Buffers extends BlockBuffers {
        final float[] normalized;
        final float[] inverseStd;
        final OneDnnBatchNorm oneDnn;
        /** On the oneDNN path: gamma, beta, the statistics and the parameters' gradients, {@code [1][channels]} each. */
        final INDArray gamma;
        final INDArray beta;
        final INDArray mean;
        final INDArray variance;
        final INDArray gammaGradient;
        final INDArray betaGradient;
        /** The input, for the oneDNN path's backward pass. */
        Tensor x;
        /** dLoss/d(input) that oneDNN writes when the caller wants none. */
        INDArray unusedInputGradient;

        Buffers(int rows, Shape shape, boolean training) {
            super(rows, shape);
            int channels = shape.channels();
            this.oneDnn = Nd4jRuntime.oneDnn() ? new OneDnnBatchNorm(shape, rows, EPSILON, training) : null;
            this.normalized = training && oneDnn == null ? new float[rows * shape.size()] : null;
            this.inverseStd = new float[channels];
            this.gamma = oneDnn == null ? null : Nd4j.create(DataType.FLOAT, 1, channels);
            this.beta = oneDnn == null ? null : Nd4j.create(DataType.FLOAT, 1, channels);
            this.mean = oneDnn == null ? null : Nd4j.create(DataType.FLOAT, 1, channels);
            this.variance = oneDnn == null ? null : Nd4j.create(DataType.FLOAT, 1, channels);
            this.gammaGradient = oneDnn == null ? null : Nd4j.create(DataType.FLOAT, 1, channels);
            this.betaGradient = oneDnn == null ? null : Nd4j.create(DataType.FLOAT, 1, channels);
        }
    }

    @Override
    Object buffers(int rows, boolean training) {
        return new Buffers(rows, input, training);
    }

    @Override
    Tensor forward(Tensor x, Object buffers, boolean training) {
        Buffers b = (Buffers) buffers;
        int positions = x.rows * input.positions();
        if (b.oneDnn != null) {
            b.x = x;
            HostMemory.write(b.gamma, gamma);
            HostMemory.write(b.beta, beta);
            if (!training) {
                HostMemory.write(b.mean, runningMean);
                HostMemory.write(b.variance, runningVariance);
            }
            b.oneDnn.forward(x.readArray(), b.gamma, b.beta, b.mean, b.variance, b.y.writeArray());
            if (training) {
                float[] mean = HostMemory.read(b.mean);
                float[] variance = HostMemory.read(b.variance);
                for (int c = 0; c < channels; c++) {
                    updateRunningStatistics(c, mean[c], variance[c], positions);
                }
            }
            return b.y;
        }
        if (training) {
            forwardTraining(x.readHeap(), b.normalized, b.y.writeHeap(), b.inverseStd, positions);
        } else {
            forwardInference(x.readHeap(), b.y.writeHeap(), positions);
        }
        return b.y;
    }

    /** Moves channel {@code c}'s running averages toward a batch's mean and (biased) variance. */
    private void updateRunningStatistics(int c, double mean, double variance, int positions) {
        double unbiased = positions > 1 ? variance * positions / (positions - 1) : variance;
        runningMean[c] = (1 - MOMENTUM) * runningMean[c] + MOMENTUM * (float) mean;
        runningVariance[c] = (1 - MOMENTUM) * runningVariance[c] + MOMENTUM * (float) unbiased;
    }

    /** Tiles summed in float before their sums join the channel's double totals. */
    private static final int TILES_PER_SUM = 64;

    /**
     * Adds, per channel, the sums of {@code a} and of {@code a * b} over the positions into {@code sumA} and
     * {@code sumAB}; with {@code b == a} that is the sum and the sum of squares. Each value of a tile has its own float
     * partial sum over up to {@value #TILES_PER_SUM} tiles (a vectorized loop), which then joins its channel's total.
     */
    private void channelSums(float[] a, float[] b, int positions, double[] sumA, double[] sumAB) {
        ChannelTiles tiles = new ChannelTiles(channels);
        float[] aTile = new float[tiles.length];
        float[] bTile = b == a ? aTile : new float[tiles.length];
        float[] partA = new float[tiles.length];
        float[] partAB = new float[tiles.length];
        int total = positions * channels;
        for (int start = 0; start < total; ) {
            Arrays.fill(partA, 0f);
            Arrays.fill(partAB, 0f);
            int end = Math.min(total, start + TILES_PER_SUM * tiles.length);
            for (; start < end; start += tiles.length) {
                int length = Math.min(tiles.length, end - start);
                System.arraycopy(a, start, aTile, 0, length);
                if (b != a) {
                    System.arraycopy(b, start, bTile, 0, length);
                }
                for (int j = 0; j < length; j++) {
                    float v = aTile[j];
                    partA[j] += v;
                    partAB[j] += v * bTile[j];
                }
            }
            tiles.addByChannel(partA, sumA);
            tiles.addByChannel(partAB, sumAB);
        }
    }

    /** Normalizes with the batch's statistics and updates the running averages. */
    private void forwardTraining(float[] z, float[] normalized, float[] y, float[] inverseStd, int positions) {
        double[] sum = new double[channels];
        double[] sumSquares = new double[channels];
        channelSums(z, z, positions, sum, sumSquares);
        float[] mean = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / positions;
            double variance = Math.max(0, sumSquares[c] / positions - m * m);
            mean[c] = (float) m;
            inverseStd[c] = (float) (1 / Math.sqrt(variance + EPSILON));
            updateRunningStatistics(c, m, variance, positions);
        }
        ChannelTiles tiles = new ChannelTiles(channels);
        float[] meanTile = tiles.repeat(mean);
        float[] inverseStdTile = tiles.repeat(inverseStd);
        float[] gammaTile = tiles.repeat(gamma);
        float[] betaTile = tiles.repeat(beta);
        ChannelTiles.Pass pass = tiles.pass(positions * channels);
        float[] zTile = pass.read(z);
        float[] normalizedTile = pass.write(normalized);
        float[] yTile = pass.write(y);
        pass.run(length -> {
            for (int j = 0; j < length; j++) {
                float n = (zTile[j] - meanTile[j]) * inverseStdTile[j];
                normalizedTile[j] = n;
                yTile[j] = gammaTile[j] * n + betaTile[j];
            }
        });
    }

    /** Normalizes with the running averages. */
    private void forwardInference(float[] z, float[] y, int positions) {
        float[] deviation = new float[channels];
        for (int c = 0; c < channels; c++) {
            deviation[c] = (float) Math.sqrt(runningVariance[c] + EPSILON);
        }
        ChannelTiles tiles = new ChannelTiles(channels);
        float[] meanTile = tiles.repeat(runningMean);
        float[] deviationTile = tiles.repeat(deviation);
        float[] gammaTile = tiles.repeat(gamma);
        float[] betaTile = tiles.repeat(beta);
        ChannelTiles.Pass pass = tiles.pass(positions * channels);
        float[] zTile = pass.read(z);
        float[] yTile = pass.write(y);
        pass.run(length -> {
            for (int j = 0; j < length; j++) {
                yTile[j] = gammaTile[j] * (zTile[j] - meanTile[j]) / deviationTile[j] + betaTile[j];
            }
        });
    }

    /**
     * Writes the gradients of gamma and beta and, when asked, dLoss/dz = gamma / std * (dy - mean(dy) - n * mean(dy * n))
     * per channel, n being the normalized values.
     */
    @Override
    Tensor backward(Tensor dy, Object buffers, boolean inputGradient) {
        Buffers b = (Buffers) buffers;
        if (b.oneDnn != null) {
            Tensor dInput = inputGradient ? b.inputGradient(dy.rows, input) : null;
            INDArray dx;
            if (dInput != null) {
                dx = dInput.writeArray();
            } else {
                if (b.unusedInputGradient == null) {
                    b.unusedInputGradient = Nd4j.create(DataType.FLOAT, dy.rows, input.size());
                }
                dx = b.unusedInputGradient;
            }
            b.oneDnn.backward(b.x.readArray(), b.gamma, b.beta, b.mean, b.variance, dy.readArray(), dx, b.gammaGradient, b.betaGradient);
            HostMemory.read(b.gammaGradient, gammaGradient);
            HostMemory.read(b.betaGradient, betaGradient);
            return dInput;
        }
        int positions = dy.rows * input.positions();
        float[] gradient = dy.readHeap();
        float[] normalized = b.normalized;
        double[] sumGradient = new double[channels];
        double[] sumGradientNormalized = new double[channels];
        channelSums(gradient, normalized, positions, sumGradient, sumGradientNormalized);
        float[] scale = new float[channels];
        float[] meanGradient = new float[channels];
        float[] meanGradientNormalized = new float[channels];
        for (int c = 0; c < channels; c++) {
            betaGradient[c] = (float) sumGradient[c];
            gammaGradient[c] = (float) sumGradientNormalized[c];
            scale[c] = b.inverseStd[c] * gamma[c];
            meanGradient[c] = (float) (sumGradient[c] / positions);
            meanGradientNormalized[c] = (float) (sumGradientNormalized[c] / positions);
        }
        if (!inputGradient) {
            return null;
        }
        Tensor dInput = b.inputGradient(dy.rows, input);
        float[] dx = dInput.writeHeap();
        ChannelTiles tiles = new ChannelTiles(channels);
        float[] scaleTile = tiles.repeat(scale);
        float[] meanGradientTile = tiles.repeat(meanGradient);
        float[] meanGradientNormalizedTile = tiles.repeat(meanGradientNormalized);
        ChannelTiles.Pass pass = tiles.pass(positions * channels);
        float[] gradientTile = pass.read(gradient);
        float[] normalizedTile = pass.read(normalized);
        float[] dxTile = pass.write(dx);
        pass.run(length -> {
            for (int j = 0; j < length; j++) {
                dxTile[j] = scaleTile[j] * (gradientTile[j] - meanGradientTile[j] - normalizedTile[j] * meanGradientNormalizedTile[j]);
            }
        });
        return dInput;
    }

    /**
     * Folds the running normalization into the layer before it: row c of the weights is scaled by gamma / std, so
     * zeros stay zeros and N:M patterns hold.
     *
     * @param layer the preceding convolution's or dense layer's prediction weights, one row per channel
     * @return the folded weights
     */
    LayerWeights fold(LayerWeights layer) {
        float[] weights = layer.weights();
        float[] bias = layer.biases();
        int cols = weights.length / channels;
        for (int c = 0; c < channels; c++) {
            float scale = gamma[c] / (float) Math.sqrt(runningVariance[c] + EPSILON);
            for (int i = c * cols; i < (c + 1) * cols; i++) {
                weights[i] *= scale;
            }
            bias[c] = (bias[c] - runningMean[c]) * scale + beta[c];
        }
        return new LayerWeights(layer.inputs(), layer.outputs(), weights, bias, layer.pattern());
    }

    @Override
    List<Parameter> parameters() {
        return parameters;
    }

    @Override
    List<NamedState> states() {
        return List.of(new NamedState("batch normalization running statistics (" + channels + " channels)", new TrainingState() {
            @Override
            public void save(StateOutput out) throws IOException {
                out.writeFloats(runningMean);
                out.writeFloats(runningVariance);
            }

            @Override
            public void restore(StateInput in) throws IOException {
                in.readFloats(runningMean, "the running means");
                in.readFloats(runningVariance, "the running variances");
            }
        }));
    }

    @Override
    DeviceBlock onDevice() {
        return new Device();
    }

    /**
     * Batch normalization on the ops executor: per-channel statistics of the {@code [rows * positions][channels]} view
     * and row-vector broadcasts, in the fused executor's formulas; the running averages stay on the backend between
     * {@link #load()} and {@link #publish()}.
     */
    private final class Device extends DeviceBlock {
        private final INDArray gammaRow = Nd4j.create(DataType.FLOAT, 1, channels);
        private final INDArray betaRow = Nd4j.create(DataType.FLOAT, 1, channels);
        private final INDArray gammaGradientRow = Nd4j.create(DataType.FLOAT, 1, channels);
        private final INDArray betaGradientRow = Nd4j.create(DataType.FLOAT, 1, channels);
        private final INDArray mean = Nd4j.create(DataType.FLOAT, 1, channels);
        private final INDArray variance = Nd4j.create(DataType.FLOAT, 1, channels);
        private final INDArray deviceRunningMean = Nd4j.create(DataType.FLOAT, 1, channels);
        private final INDArray deviceRunningVariance = Nd4j.create(DataType.FLOAT, 1, channels);
        /** Training-only scratch: prediction, which threads may run at once, uses its workspace's arrays only. */
        private final INDArray scratch = Nd4j.create(DataType.FLOAT, 1, channels);
        private final INDArray meanVector = view(mean, channels);
        private final INDArray varianceVector = view(variance, channels);
        private final INDArray gammaGradientVector = view(gammaGradientRow, channels);
        private final INDArray betaGradientVector = view(betaGradientRow, channels);
        private final List<DeviceParameter> deviceParameters = List.of(
                new DeviceParameter(parameters.get(0), gammaRow, gammaGradientRow, null),
                new DeviceParameter(parameters.get(1), betaRow, betaGradientRow, null));

        Device() {
            super(BatchNormBlock.this.input, BatchNormBlock.this.output);
        }

        /** The normalized values, 1 / std per channel, and a scratch for the backward pass. */
        private final class Buffers extends DeviceBlock.Buffers {
            final INDArray normalized;
            final INDArray inverseStd = Nd4j.create(DataType.FLOAT, 1, channels);
            final INDArray product;

            Buffers(int rows, boolean training) {
                super(rows, output);
                this.normalized = training ? batch(rows, input) : null;
                this.product = training ? batch(rows, input) : null;
            }
        }

        @Override
        Object buffers(int rows, boolean training) {
            return new Buffers(rows, training);
        }

        @Override
        INDArray forward(INDArray x, Object buffers, boolean training) {
            Buffers b = (Buffers) buffers;
            INDArray z = positions(x, input);
            INDArray y = positions(b.y, output);
            if (!training) {
                // gamma (z - mean) / sqrt(variance + eps) + beta, with the running averages; the root in this call's array
                INDArray root = b.inverseStd;
                deviceRunningVariance.add(EPSILON, root);
                Nd4j.exec(new Sqrt(root, root));
                y.assign(z).subiRowVector(deviceRunningMean).muliRowVector(gammaRow).diviRowVector(root).addiRowVector(betaRow);
                return b.y;
            }
            long count = z.size(0);
            z.mean(meanVector, 0);
            Nd4j.exec(new Variance(z, varianceVector, false, 0));
            variance.add(EPSILON, b.inverseStd);
            Nd4j.exec(new Sqrt(b.inverseStd, b.inverseStd));
            b.inverseStd.rdivi(1f);
            // running = (1 - momentum) running + momentum statistic, the variance unbiased
            deviceRunningMean.muli(1 - MOMENTUM).addi(mean.mul(MOMENTUM, scratch));
            float unbiased = count > 1 ? (float) count / (count - 1) : 1f;
            deviceRunningVariance.muli(1 - MOMENTUM).addi(variance.mul(unbiased, scratch).muli(MOMENTUM));
            INDArray normalized = positions(b.normalized, input);
            normalized.assign(z).subiRowVector(mean).muliRowVector(b.inverseStd);
            y.assign(normalized).muliRowVector(gammaRow).addiRowVector(betaRow);
            return b.y;
        }

        /** dLoss/dz = gamma / std * (dy - mean(dy) - n * mean(dy * n)), n the normalized values. */
        @Override
        INDArray backward(INDArray dy, Object buffers, boolean inputGradient) {
            Buffers b = (Buffers) buffers;
            INDArray gradient = positions(dy, output);
            INDArray normalized = positions(b.normalized, input);
            INDArray product = positions(b.product, input);
            long count = gradient.size(0);
            gradient.sum(betaGradientVector, 0);
            gradient.mul(normalized, product).sum(gammaGradientVector, 0);
            if (!inputGradient) {
                return null;
            }
            INDArray dx = b.inputGradient((int) dy.rows(), input);
            INDArray d = positions(dx, input);
            // n * mean(dy * n), then dy minus it, minus mean(dy), times gamma / std
            d.assign(normalized).muliRowVector(gammaGradientRow.mul(1f / count, scratch));
            gradient.sub(d, d).subiRowVector(betaGradientRow.mul(1f / count, scratch));
            d.muliRowVector(b.inverseStd.mul(gammaRow, scratch));
            return dx;
        }

        @Override
        List<DeviceParameter> parameters() {
            return deviceParameters;
        }

        @Override
        void load() {
            deviceParameters.forEach(DeviceParameter::load);
            HostMemory.write(deviceRunningMean, runningMean);
            HostMemory.write(deviceRunningVariance, runningVariance);
        }

        @Override
        void publish() {
            deviceParameters.forEach(DeviceParameter::publish);
            HostMemory.read(deviceRunningMean, runningMean);
            HostMemory.read(deviceRunningVariance, runningVariance);
        }
    }

    @Override
    BlockSnapshot snapshot() {
        Map<String, float[]> values = new LinkedHashMap<>();
        values.put("gamma", gamma);
        values.put("beta", beta);
        values.put("mean", runningMean);
        values.put("variance", runningVariance);
        return new BlockSnapshot("bn", null, values, List.of());
    }
}

package io.github.nmsparse.engine.network;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The loops that work a tile of positions at a time (batch normalization, a layer's biases) against their formulas in
 * double precision, on shapes of several tiles with a partial last one, so that every tile boundary is crossed.
 */
class ChannelTilesTest {

    private static final SplittableRandom RNG = new SplittableRandom(11);

    private static float[] gaussian(int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) RNG.nextGaussian();
        }
        return values;
    }

    @Test
    void batchNormalizationComputesItsFormulaOverSeveralTilesOfPositions() {
        // 3 channels: a tile is 341 positions; 5 examples of 20x20 are 2,000 positions, 5.9 tiles.
        Shape shape = new Shape(3, 20, 20);
        int rows = 5;
        int channels = shape.channels();
        int positions = rows * shape.positions();
        Block bn = new BatchNormBlock.Spec().build(shape, null);
        float[] gamma = {0.5f, 2f, -1f};
        float[] beta = {0.25f, -1f, 3f};
        bn.parameters().get(0).writeRow(0, gamma);
        bn.parameters().get(1).writeRow(0, beta);
        Object buffers = bn.buffers(rows, true);
        Tensor x = new Tensor(rows, shape);
        float[] z = gaussian(rows * shape.size());
        for (int i = 0; i < z.length; i++) {
            z[i] = z[i] * (1 + i % channels) + i % channels; // a scale and a mean of its own per channel
        }
        System.arraycopy(z, 0, x.writeHeap(), 0, z.length);
        float[] y = bn.forward(x, buffers, true).readHeap();
        Tensor dyTensor = new Tensor(rows, shape);
        float[] dy = gaussian(z.length);
        System.arraycopy(dy, 0, dyTensor.writeHeap(), 0, dy.length);
        float[] dx = bn.backward(dyTensor, buffers, true).readHeap();
        float[] gammaGradient = new float[channels];
        float[] betaGradient = new float[channels];
        bn.parameters().get(0).readGradientRow(0, gammaGradient);
        bn.parameters().get(1).readGradientRow(0, betaGradient);
        for (int c = 0; c < channels; c++) {
            double mean = 0;
            for (int p = 0; p < positions; p++) {
                mean += z[p * channels + c];
            }
            mean /= positions;
            double variance = 0;
            for (int p = 0; p < positions; p++) {
                variance += (z[p * channels + c] - mean) * (z[p * channels + c] - mean);
            }
            double inverseStd = 1 / Math.sqrt(variance / positions + BatchNormBlock.EPSILON);
            double sumDy = 0;
            double sumDyN = 0;
            for (int p = 0; p < positions; p++) {
                int i = p * channels + c;
                double n = (z[i] - mean) * inverseStd;
                assertEquals(gamma[c] * n + beta[c], y[i], 1e-4, "y at position " + p + ", channel " + c);
                sumDy += dy[i];
                sumDyN += dy[i] * n;
            }
            assertEquals(sumDy, betaGradient[c], 1e-3, "beta's gradient, channel " + c);
            assertEquals(sumDyN, gammaGradient[c], 1e-3, "gamma's gradient, channel " + c);
            for (int p = 0; p < positions; p++) {
                int i = p * channels + c;
                double n = (z[i] - mean) * inverseStd;
                double expected = gamma[c] * inverseStd * (dy[i] - sumDy / positions - n * sumDyN / positions);
                assertEquals(expected, dx[i], 1e-4 * Math.max(1, Math.abs(expected)), "dx at position " + p + ", channel " + c);
            }
        }
    }

    @Test
    void aLayersBiasesAndBiasGradientsAreItsColumnsAcrossTiles() {
        int outputs = 5; // a tile is 204 rows; 1,000 rows are 4.9 tiles
        int rows = 1_000;
        float[] bias = gaussian(outputs);
        Layer layer = new Layer(2, outputs, new float[2 * outputs], bias, null);
        float[] z = gaussian(rows * outputs);
        float[] withBias = z.clone();
        layer.addBias(withBias, rows);
        for (int i = 0; i < z.length; i++) {
            assertEquals(z[i] + bias[i % outputs], withBias[i], "value " + i);
        }
        float[] delta = gaussian(rows * outputs);
        float[] gradient = new float[outputs];
        for (boolean overPositions : new boolean[] {false, true}) {
            if (overPositions) {
                layer.setBiasGradientOverPositions(delta, rows);
            } else {
                layer.setBiasGradient(delta, rows);
            }
            layer.parameters().get(1).readGradientRow(0, gradient);
            for (int k = 0; k < outputs; k++) {
                double sum = 0;
                float rowOrder = 0f;
                for (int r = 0; r < rows; r++) {
                    sum += delta[r * outputs + k];
                    rowOrder += delta[r * outputs + k];
                }
                assertEquals(sum, gradient[k], 1e-3, "column " + k + (overPositions ? " over positions" : ""));
                if (!overPositions) {
                    assertEquals(rowOrder, gradient[k], "a dense layer's column sums in row order, exactly");
                }
            }
        }
    }
}

package io.github.nmsparse.engine.network;

import io.github.nmsparse.core.NMPattern;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparseInferenceTest {

    @Test
    void theNMKernelPredictsWhatTheDenseGemmPathPredictsWithHalfTheMultiplyAdds() {
        Network network = Network.initialize(Architecture.builder(Shape.vector(30)).pattern(NMPattern.parse("2:4"))
                .blocks("dense 32, relu, dense 16, tanh").output(3, false).build(), true, new SplittableRandom(5));
        network.sparseWeights().forEach(SparseWeights::refreshMask);
        NetworkSnapshot snapshot = network.snapshot();
        SplittableRandom rng = new SplittableRandom(8);
        float[] features = new float[37 * 30];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) rng.nextGaussian();
        }
        float[] dense = snapshot.toNetwork().predict(features, 37);
        SparseInference kernel = (SparseInference) snapshot.sparseKernel().orElseThrow();
        float[] sparse = kernel.predict(features, 37);
        for (int i = 0; i < dense.length; i++) {
            assertEquals(dense[i], sparse[i], 1e-5 * Math.max(1, Math.abs(dense[i])), "output " + i);
        }
        // 30 inputs: 7 full groups of 4 keep 2, the last group of 2 keeps both; 32 hidden then 16 hidden, 2:4; dense 16x3.
        long expected = 32L * (7 * 2 + 2) + 16L * (32 / 2) + 3L * 16;
        assertEquals(expected, kernel.multiplyAdds());
        assertTrue(network(new Shape(1, 4, 4), "conv 4x3, flatten").snapshot().sparseKernel().isEmpty(), "the kernel runs no convolution");
    }

    private static Network network(Shape input, String blocks) {
        return Network.initialize(Architecture.builder(input).blocks(blocks).output(2, false).build(), false, new SplittableRandom(1));
    }
}

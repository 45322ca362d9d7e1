package io.github.nmsparse.engine;

import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.network.NetworkSnapshot;
import io.github.nmsparse.engine.network.SparseInference;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SparseInferenceTest {

    @Test
    void theNMKernelPredictsWhatTheDenseGemmPathPredictsWithHalfTheMultiplyAdds() {
        TrainingResult result = TrainingMethodsTest.train(new SrSte(), 3, 5);
        NetworkSnapshot snapshot = result.network().snapshot();
        TrainingData data = TrainingMethodsTest.syntheticData(37, 30, 8);
        float[] dense = snapshot.toNetwork().predict(data.features(), data.rows());
        SparseInference kernel = new SparseInference(snapshot);
        float[] sparse = kernel.predict(data.features(), data.rows());
        for (int i = 0; i < dense.length; i++) {
            assertEquals(dense[i], sparse[i], 1e-5 * Math.max(1, Math.abs(dense[i])), "output " + i);
        }
        // 30 inputs: 7 full groups of 4 keep 2, the last group of 2 keeps both; 32 hidden then 16 hidden, 2:4; dense 16x3.
        long expected = 32L * (7 * 2 + 2) + 16L * (32 / 2) + 3L * 16;
        assertEquals(expected, kernel.multiplyAdds());
    }
}

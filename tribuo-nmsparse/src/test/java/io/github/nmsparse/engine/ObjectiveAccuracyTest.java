package io.github.nmsparse.engine;

import io.github.nmsparse.engine.method.SrSte;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObjectiveAccuracyTest {

    @Test
    void softmaxAccuracyCountsRowsWhoseLargestOutputIsTheTarget() {
        float[] outputs = {2f, 1f, 0f, /**/ 0f, 3f, 1f, /**/ 5f, 0f, 6f};
        float[] targets = {1f, 0f, 0f, /**/ 0f, 0f, 1f, /**/ 0f, 0f, 1f};
        assertEquals(2.0 / 3, new SoftmaxCrossEntropy().accuracy(outputs, targets, 3, 3), 1e-12);
    }

    @Test
    void sigmoidAccuracyCountsLabelDecisionsAtProbabilityOneHalf() {
        float[] outputs = {1f, -1f, /**/ -0.5f, 2f};
        float[] targets = {1f, 1f, /**/ 0f, 1f};
        assertEquals(3.0 / 4, new SigmoidBinaryCrossEntropy().accuracy(outputs, targets, 2, 2), 1e-12);
    }

    @Test
    void regressionHasNoAccuracy() {
        assertTrue(Double.isNaN(new SquaredError().accuracy(new float[] {1f}, new float[] {1f}, 1, 1)));
    }

    @Test
    void trainingRecordsAnEpochAccuracyThatRisesOnLearnableData() {
        TrainingResult result = TrainingMethodsTest.train(new SrSte(), 6, 5);
        var history = result.history();
        for (EpochRecord r : history) {
            assertTrue(r.accuracy() >= 0 && r.accuracy() <= 1, "epoch " + r.epoch() + ": " + r.accuracy());
        }
        assertTrue(history.get(history.size() - 1).accuracy() > history.get(0).accuracy(),
                "first " + history.get(0).accuracy() + ", last " + history.get(history.size() - 1).accuracy());
    }
}

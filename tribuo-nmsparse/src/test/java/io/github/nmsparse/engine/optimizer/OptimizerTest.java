package io.github.nmsparse.engine.optimizer;

import io.github.nmsparse.engine.network.Parameter;
import io.github.nmsparse.engine.network.TestParameters;
import io.github.nmsparse.engine.state.StateInput;
import io.github.nmsparse.engine.state.StateOutput;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Optimizer updates against hand computation, in PyTorch's conventions. */
class OptimizerTest {

    private static Parameter parameter(float[] w, float[] g, boolean decays) {
        return TestParameters.parameter(w, g, 1, decays, null, 0);
    }

    private static <O extends Optimizer> O initialised(O optimizer, Parameter p) {
        optimizer.initialise(List.of(p));
        return optimizer;
    }

    private static void update(Optimizer optimizer, Parameter p, float lr, long step) {
        float[] w = new float[p.cols()];
        float[] g = new float[p.cols()];
        p.readRow(0, w);
        p.readGradientRow(0, g);
        optimizer.updateRow(p, 0, w, g, lr, step);
        p.writeRow(0, w);
    }

    @Test
    void adamWFirstStepMovesByLearningRateTimesSignPlusDecoupledDecay() {
        float[] w = {1f, -2f, 0.5f};
        float[] g = {0.3f, -4f, 0f};
        Parameter p = parameter(w, g, true);
        update(initialised(new AdamW(0.1), p), p, 0.01f, 1);
        // m_hat = g, v_hat = g^2, so the step is lr * g / (|g| + eps), after w *= (1 - lr * wd).
        assertEquals(1f * (1 - 0.001f) - 0.01f, w[0], 1e-6f);
        assertEquals(-2f * (1 - 0.001f) + 0.01f, w[1], 1e-6f);
        assertEquals(0.5f * (1 - 0.001f), w[2], 1e-6f);
    }

    @Test
    void adamWSecondStepUsesBiasCorrectedMoments() {
        float[] w = {1f};
        float[] g = {1f};
        Parameter p = parameter(w, g, false);
        AdamW adam = initialised(new AdamW(0), p);
        update(adam, p, 0.1f, 1);
        g[0] = -1f;
        update(adam, p, 0.1f, 2);
        double m = 0.9 * 0.1 - 0.1;
        double v = 0.999 * 0.001 + 0.001;
        double step = 0.1 * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.998001)) + 1e-8);
        assertEquals(1 - 0.1 - step, w[0], 1e-6);
    }

    @Test
    void sgdMomentumAndNesterovFollowPyTorch() {
        float[] w = {1f};
        float[] g = {1f};
        Parameter p = parameter(w, g, true);
        Sgd sgd = initialised(new Sgd(0.9, false, 0.1), p);
        update(sgd, p, 0.1f, 1);
        // g' = 1 + 0.1 * 1 = 1.1; b = 1.1; w = 1 - 0.11.
        assertEquals(0.89f, w[0], 1e-6f);
        update(sgd, p, 0.1f, 2);
        // g' = 1 + 0.089 = 1.089; b = 0.99 + 1.089 = 2.079; w = 0.89 - 0.2079.
        assertEquals(0.6821f, w[0], 1e-6f);

        float[] wn = {1f};
        float[] gn = {1f};
        Parameter pn = parameter(wn, gn, false);
        Sgd nesterov = initialised(new Sgd(0.9, true, 0.1), pn);
        update(nesterov, pn, 0.1f, 1);
        // biases are not decayed: b = 1; direction = 1 + 0.9 = 1.9.
        assertEquals(0.81f, wn[0], 1e-6f);
        update(nesterov, pn, 0.1f, 2);
        // b = 0.9 + 1 = 1.9; direction = 1 + 1.71 = 2.71.
        assertEquals(0.539f, wn[0], 1e-6f);
    }

    /** The moments are the optimizer's own state: saved after one step and restored into a copy, the next step agrees. */
    @Test
    void momentsAreSavedAndRestored() throws IOException {
        for (Optimizer optimizer : List.of(new AdamW(0.01), new Sgd(0.9, true, 0.01))) {
            float[] w = {1f, -2f};
            float[] g = {0.5f, 0.25f};
            Parameter p = parameter(w, g, true);
            initialised(optimizer, p);
            update(optimizer, p, 0.1f, 1);
            float[] afterOne = w.clone();
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            StateOutput out = new StateOutput(saved);
            optimizer.save(out);
            out.flush();
            update(optimizer, p, 0.1f, 2);

            float[] resumedWeights = afterOne.clone();
            Parameter resumed = parameter(resumedWeights, g, true);
            Optimizer copy = initialised(optimizer.copy(), resumed);
            copy.restore(new StateInput(new ByteArrayInputStream(saved.toByteArray()), "test"));
            update(copy, resumed, 0.1f, 2);
            assertArrayEquals(w, resumedWeights, optimizer.describe());

            float[] withoutMoments = afterOne.clone();
            Parameter cold = parameter(withoutMoments, g, true);
            update(initialised(optimizer.copy(), cold), cold, 0.1f, 2);
            assertTrue(withoutMoments[0] != w[0], "without its moments the step differs: " + optimizer.describe());
        }
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertTrue(assertThrowsMessage(() -> new AdamW(-1)).contains("weightDecay must be a finite number >= 0, got -1.0"));
        assertTrue(assertThrowsMessage(() -> new Sgd(1.0, false, 0)).contains("momentum must be in [0, 1), got 1.0"));
    }

    private static String assertThrowsMessage(org.junit.jupiter.api.function.Executable executable) {
        return org.junit.jupiter.api.Assertions.assertThrows(com.oracle.labs.mlrg.olcut.config.PropertyException.class, executable).getMessage();
    }

}

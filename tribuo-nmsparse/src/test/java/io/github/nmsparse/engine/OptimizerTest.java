package io.github.nmsparse.engine;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Optimizer updates against hand computation, in PyTorch's conventions. */
class OptimizerTest {

    private static Parameter parameter(float[] w, float[] g, boolean decays) {
        return new Parameter(FloatBuffer.wrap(w), FloatBuffer.wrap(g), 1, w.length, decays, null);
    }

    private static void update(Optimizer optimizer, Parameter p, float lr, long step) {
        float[] w = new float[p.cols];
        float[] g = new float[p.cols];
        p.value.get(0, w);
        p.gradient.get(0, g);
        optimizer.updateRow(p, 0, w, g, p.cols, lr, step);
        p.value.put(0, w);
    }

    @Test
    void adamWFirstStepMovesByLearningRateTimesSignPlusDecoupledDecay() {
        float[] w = {1f, -2f, 0.5f};
        float[] g = {0.3f, -4f, 0f};
        update(new AdamW(0.1), parameter(w, g, true), 0.01f, 1);
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
        AdamW adam = new AdamW(0);
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
        SgdMomentum sgd = new SgdMomentum(0.9, false, 0.1);
        update(sgd, p, 0.1f, 1);
        // g' = 1 + 0.1 * 1 = 1.1; b = 1.1; w = 1 - 0.11.
        assertEquals(0.89f, w[0], 1e-6f);
        update(sgd, p, 0.1f, 2);
        // g' = 1 + 0.089 = 1.089; b = 0.99 + 1.089 = 2.079; w = 0.89 - 0.2079.
        assertEquals(0.6821f, w[0], 1e-6f);

        float[] wn = {1f};
        float[] gn = {1f};
        Parameter pn = parameter(wn, gn, false);
        SgdMomentum nesterov = new SgdMomentum(0.9, true, 0.1);
        update(nesterov, pn, 0.1f, 1);
        // biases are not decayed: b = 1; direction = 1 + 0.9 = 1.9.
        assertEquals(0.81f, wn[0], 1e-6f);
        update(nesterov, pn, 0.1f, 2);
        // b = 0.9 + 1 = 1.9; direction = 1 + 1.71 = 2.71.
        assertEquals(0.539f, wn[0], 1e-6f);
    }

    @Test
    void scheduleWarmsUpLinearlyThenDecaysAlongACosine() {
        LearningRateSchedule schedule = new LearningRateSchedule(1.0, 4, 14);
        assertArrayEquals(new double[] {0.25, 0.5, 0.75, 1.0},
                new double[] {schedule.rate(0), schedule.rate(1), schedule.rate(2), schedule.rate(3)}, 1e-12);
        assertEquals(1.0, schedule.rate(4), 1e-12);
        assertEquals(0.5, schedule.rate(9), 1e-12);
        for (long s = 5; s < 14; s++) {
            assertTrue(schedule.rate(s) < schedule.rate(s - 1));
        }
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 9 / 10)), schedule.rate(13), 1e-12);
        assertEquals(1.0, new LearningRateSchedule(1.0, 0, 0).rate(0), 1e-12);
    }
}

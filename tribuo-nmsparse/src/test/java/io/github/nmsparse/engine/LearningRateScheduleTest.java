package io.github.nmsparse.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The learning-rate schedule: linear warm-up, then a cosine to 0. */
class LearningRateScheduleTest {

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

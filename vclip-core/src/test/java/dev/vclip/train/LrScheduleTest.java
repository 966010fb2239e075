package dev.vclip.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** timm CosineLRScheduler as X-CLIP's build_scheduler configures it, and X-CLIP's step_update call pattern. */
class LrScheduleTest {

    private static final double BASE = 1e-3;
    private static final double MIN = BASE / 100;

    private static double cosine(long t, long total) {
        return MIN + 0.5 * (BASE - MIN) * (1 + Math.cos(Math.PI * t / total));
    }

    @Test
    void warmupThenCosineThenFloor() {
        // 2 epochs of 4 micro-batches, warm-up 0.5 epoch: t_initial 8, warmup_t 2
        LrSchedule s = new LrSchedule(BASE, 2, 0.5, 4, 1);
        assertEquals(8, s.totalSteps());
        assertEquals(2, s.warmupSteps());
        assertEquals(0.0, s.at(0), 0);                   // warmup_lr_init
        assertEquals(0.5e-3, s.at(1), 1e-15);            // halfway up the linear ramp
        assertEquals(cosine(2, 8), s.at(2), 1e-15);      // the cosine runs over the whole t_initial (no prefix)
        assertEquals(0.000855, s.at(2), 1e-6);           // 1e-5 + 0.5 · 0.99e-3 · (1 + cos(π/4))
        assertEquals(cosine(5, 8), s.at(5), 1e-15);
        assertEquals(MIN, s.at(8), 0);                   // cycle_limit 1: lr_min from t_initial on
        assertEquals(MIN, s.at(100), 0);
    }

    @Test
    void noWarmupStartsAtTheBaseRate() {
        LrSchedule s = new LrSchedule(BASE, 3, 0, 10, 1);
        assertEquals(BASE, s.at(0), 1e-18);
        assertEquals(BASE, s.forUpdate(0), 0);
        assertEquals(cosine(15, 30), s.at(15), 1e-15);
        assertEquals((BASE + MIN) / 2, s.at(15), 1e-15);  // halfway: the mean of base and floor
    }

    @Test
    void updatesUseTheRateSetAfterThePreviousUpdate() {
        // X-CLIP: lr_scheduler.step_update(epoch * num_steps + idx) after the update at micro-batch idx
        LrSchedule k1 = new LrSchedule(BASE, 2, 0.5, 4, 1);
        assertEquals(0.0, k1.forUpdate(0), 0);           // the scheduler starts at warmup_lr_init
        assertEquals(k1.at(0), k1.forUpdate(1), 0);
        assertEquals(k1.at(1), k1.forUpdate(2), 0);
        assertEquals(k1.at(4), k1.forUpdate(5), 0);      // second epoch: epoch · num_steps + idx

        LrSchedule k2 = new LrSchedule(BASE, 2, 0.5, 4, 2); // accumulation 2: updates after idx 1 and 3 of each epoch
        assertEquals(2, k2.updatesPerEpoch());
        assertEquals(k2.at(1), k2.forUpdate(1), 0);
        assertEquals(k2.at(3), k2.forUpdate(2), 0);
        assertEquals(k2.at(5), k2.forUpdate(3), 0);      // previous update: epoch 1, idx 1

        LrSchedule odd = new LrSchedule(BASE, 2, 0, 5, 2); // 5 micro-batches, windows of 2: idx 4 is left over
        assertEquals(2, odd.updatesPerEpoch());
        assertEquals(odd.at(5 + 1), odd.forUpdate(3), 0);
    }
}

package dev.vclip.train;

/**
 * The learning-rate schedule of X-CLIP and ViFi-CLIP {@code utils/optimizer.py build_scheduler}: timm's
 * {@code CosineLRScheduler(t_initial = EPOCHS·n, lr_min = LR/100, warmup_lr_init = 0, warmup_t = int(WARMUP_EPOCHS·n),
 * cycle_limit = 1, t_in_epochs = False)}, with n the loader iterations (micro-batches) of an epoch.
 *
 * <p>{@link #at(long)} is timm's {@code _get_lr(t)} (warmup_prefix False, so the cosine runs over the whole
 * {@code t_initial}, warm-up included):
 * <pre>
 *   t &lt; warmup_t:   lr = warmup_lr_init + t · (base − warmup_lr_init) / warmup_t
 *   t &lt; t_initial:  lr = lr_min + ½ (base − lr_min) (1 + cos(π t / t_initial))
 *   otherwise:      lr = lr_min
 * </pre>
 * {@link #forUpdate(long)} is the rate the optimiser uses for its update number u (0-based), following the calls in
 * X-CLIP {@code main.py train_one_epoch}: the scheduler starts at {@code warmup_lr_init} (base when there is no
 * warm-up), and after each update at micro-batch {@code idx} calls {@code step_update(epoch·n + idx)}, so an update
 * runs at the rate set after the previous one.
 */
public final class LrSchedule {

    private final double baseLr;
    private final double minLr;
    private final double warmupInit;
    private final long totalSteps;
    private final long warmupSteps;
    private final int microPerEpoch;
    private final int accumulation;

    /**
     * @param baseLr        TRAIN.LR (times a group's factor, applied by the caller)
     * @param epochs        TRAIN.EPOCHS
     * @param warmupEpochs  TRAIN.WARMUP_EPOCHS
     * @param microPerEpoch micro-batches of one epoch (len(train_loader), drop_last)
     * @param accumulation  TRAIN.ACCUMULATION_STEPS
     */
    public LrSchedule(double baseLr, int epochs, double warmupEpochs, int microPerEpoch, int accumulation) {
        if (microPerEpoch < 1) {
            throw new IllegalArgumentException("an epoch needs at least one micro-batch");
        }
        this.baseLr = baseLr;
        this.minLr = baseLr / 100;
        this.warmupInit = 0;
        this.totalSteps = (long) epochs * microPerEpoch;
        this.warmupSteps = (long) (warmupEpochs * microPerEpoch); // python int(): truncation
        this.microPerEpoch = microPerEpoch;
        this.accumulation = accumulation;
    }

    /** timm {@code _get_lr(t)} for micro-batch index t (0-based, counted over the whole run). */
    public double at(long t) {
        if (t < warmupSteps) {
            return warmupInit + t * (baseLr - warmupInit) / warmupSteps;
        }
        if (t < totalSteps) {
            return minLr + 0.5 * (baseLr - minLr) * (1 + Math.cos(Math.PI * t / totalSteps));
        }
        return minLr;
    }

    /** Optimiser updates per epoch: whole accumulation windows (leftover micro-batches are not used). */
    public int updatesPerEpoch() {
        return Math.max(1, microPerEpoch / accumulation);
    }

    /**
     * The rate of optimiser update {@code u} (0-based, over the run): the initial rate for the first, else
     * {@link #at} of the last micro-batch of the previous update, as X-CLIP's {@code step_update} calls set it.
     */
    public double forUpdate(long u) {
        if (u == 0) {
            return warmupSteps > 0 ? warmupInit : baseLr;
        }
        long previous = u - 1;
        long epoch = previous / updatesPerEpoch();
        long within = previous % updatesPerEpoch();
        return at(epoch * microPerEpoch + (within + 1) * accumulation - 1);
    }

    public long totalSteps() {
        return totalSteps;
    }

    public long warmupSteps() {
        return warmupSteps;
    }

    public double baseLr() {
        return baseLr;
    }
}

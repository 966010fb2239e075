package dev.vclip.data.synth;

import dev.vclip.data.Splits;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole synthetic dataset as data: every clip and long video with its content, the train/val split and the
 * base/novel class split. {@link #of(SynthConfig)} is deterministic: the same config gives an equal plan.
 *
 * @param config        the settings it was made from
 * @param clips         short clips, by class (config order) then number
 * @param longVideos    long videos for localisation
 * @param trainPerClass clips per class in the train split (the rest are val)
 * @param baseClasses   base classes of the base-to-novel split, in class-id order (see {@link #splitBaseNovel})
 * @param novelClasses  novel classes, in class-id order; empty when the classes cannot be split
 */
public record DatasetPlan(SynthConfig config, List<ClipPlan> clips, List<LongVideoPlan> longVideos,
                          int trainPerClass, List<Action> baseClasses, List<Action> novelClasses) {

    /** Shots per class of ViFi-CLIP's base-to-novel training lists. */
    public static final int BASE_SHOTS = 16;

    /** Clips per class in the train split: two thirds, at least one, and at least one val clip when there are 2+. */
    static int trainPerClass(int clipsPerClass) {
        if (clipsPerClass == 1) {
            return 1;
        }
        return Math.max(1, Math.min(clipsPerClass - 1, (int) Math.round(clipsPerClass * 2.0 / 3)));
    }

    public static DatasetPlan of(SynthConfig config) {
        config.validate();
        int train = trainPerClass(config.clipsPerClass());
        int digits = Math.max(3, String.valueOf(config.clipsPerClass() - 1).length());
        List<ClipPlan> clips = new ArrayList<>();
        for (Action action : config.classes()) {
            for (int n = 0; n < config.clipsPerClass(); n++) {
                String id = action.slug() + "_" + String.format("%0" + digits + "d", n);
                clips.add(Planner.clip(config, action, n, id, n < train ? Split.TRAIN : Split.VAL));
            }
        }
        List<LongVideoPlan> longVideos = new ArrayList<>();
        for (int v = 0; v < config.longVideos(); v++) {
            longVideos.add(Planner.longVideo(config, v, String.format("long_%03d", v)));
        }
        List<List<Action>> baseNovel = splitBaseNovel(config.classes());
        return new DatasetPlan(config, List.copyOf(clips), List.copyOf(longVideos), train, baseNovel.get(0),
                baseNovel.get(1));
    }

    /** The K of the K-shot training lists: ViFi-CLIP's 2, 4, 8, 16, as far as the train clips per class allow. */
    public List<Integer> fewShotShots() {
        return Splits.VIFI_CLIP_SHOTS.stream().filter(k -> k <= trainPerClass).toList();
    }

    /**
     * Shots per base class of the base-to-novel training lists: ViFi-CLIP's 16, or with fewer train clips half of
     * them (rounded up), so that the three sampling seeds still pick different clips.
     */
    public int baseShots() {
        return Math.min(BASE_SHOTS, Math.max(1, (trainPerClass + 1) / 2));
    }

    /**
     * Splits classes into base and novel for base-to-novel generalisation (ViFi-CLIP's protocol: train on base
     * classes only, test on base and on novel classes, each against its own label set).
     *
     * <p>The two members of a direction-only pair always go to the same side. Were one member base and the other
     * novel, the novel class would not be unseen: its videos are the base class's videos played backwards, so
     * training would already have shown every one of its frames, under the opposite label. Keeping pairs together
     * makes novel classes truly new, and makes the novel test a test of temporal reasoning that transfers: the
     * model learns direction from the base pairs (e.g. left vs right) and must apply it to new pairs (up vs down).
     *
     * <p>Rule: the units (pairs, and classes without a partner) are taken in class-id order and alternate between
     * base and novel, starting with base. For all eleven classes that gives base = moving left/right, rotating
     * clockwise/counter-clockwise, appearing/vanishing (6) and novel = moving up/down, growing/shrinking,
     * bouncing (5). With a single unit there is nothing to split and novel is empty.
     *
     * @return [base, novel], each in class-id order
     */
    public static List<List<Action>> splitBaseNovel(List<Action> classes) {
        Set<Action> present = new HashSet<>(classes);
        List<List<Action>> units = new ArrayList<>();
        Set<Action> done = new HashSet<>();
        for (Action a : classes.stream().sorted().toList()) {
            if (done.contains(a)) {
                continue;
            }
            List<Action> unit = new ArrayList<>(List.of(a));
            done.add(a);
            Action p = a.partner();
            if (p != null && present.contains(p)) {
                unit.add(p);
                done.add(p);
            }
            units.add(unit);
        }
        List<Action> base = new ArrayList<>();
        List<Action> novel = new ArrayList<>();
        if (units.size() < 2) {
            base.addAll(classes.stream().sorted().toList());
        } else {
            for (int i = 0; i < units.size(); i++) {
                (i % 2 == 0 ? base : novel).addAll(units.get(i));
            }
        }
        Collections.sort(base);
        Collections.sort(novel);
        return List.of(List.copyOf(base), List.copyOf(novel));
    }

    /** The direction-only pairs among the classes, each pair once, first member the lower class id. */
    public List<List<Action>> directionPairs() {
        List<List<Action>> pairs = new ArrayList<>();
        for (Action a : config.classes()) {
            Action p = a.partner();
            if (p != null && a.compareTo(p) < 0 && config.classes().contains(p)) {
                pairs.add(List.of(a, p));
            }
        }
        return pairs;
    }

    /** Clips of one split, in plan order. */
    public List<ClipPlan> clips(Split split) {
        return clips.stream().filter(c -> c.split() == split).toList();
    }

    /** Class id of an action in this dataset: its position in the config's class list. */
    public int classId(Action action) {
        int id = config.classes().indexOf(action);
        if (id < 0) {
            throw new IllegalArgumentException(action.label() + " is not a class of this dataset");
        }
        return id;
    }

    /** Total frames over all videos. */
    public long totalFrames() {
        long n = 0;
        for (ClipPlan c : clips) {
            n += c.frames();
        }
        for (LongVideoPlan v : longVideos) {
            n += v.frames();
        }
        return n;
    }
}

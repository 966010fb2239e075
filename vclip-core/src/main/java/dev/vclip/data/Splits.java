package dev.vclip.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;

/**
 * Few-shot and base-to-novel splits as ViFi-CLIP uses them ({@code datasets_splits/}, README "Few-shot" and
 * "Base-to-novel"; facts in the metrics fixture's {@code vifi_clip_split_facts}).
 *
 * <ul>
 *   <li>The official K-shot lists ({@code {hmdb,ucf,ssv2}_splits/train1_few_shot_K.txt}, K in 2, 4, 8, 16: exactly
 *       K videos of every class, drawn from split 1, evaluated on {@code val1.txt} / SSv2
 *       {@code validation.txt}) and the base-to-novel lists ({@code base2novel_splits/<ds>_splits/
 *       fs_base_s{1,2,3}_train.txt}, 16 shots per base class, {@code base_val.txt}, {@code novel_val.txt}) are
 *       ordinary {@link VideoList}s: read them with the matching {@link LabelTable}.</li>
 *   <li>{@link #kShot} draws K videos per class for users without official lists. The repositories do not contain
 *       the sampling script, so this is our own deterministic rule, not a reproduction of their lists.</li>
 *   <li>{@link BaseNovelSplit} turns a full table into base and novel tables and relabels lists.</li>
 * </ul>
 */
public final class Splits {
    private Splits() {
    }

    /** The shot counts of ViFi-CLIP's few-shot lists. */
    public static final List<Integer> VIFI_CLIP_SHOTS = List.of(2, 4, 8, 16);

    /** ViFi-CLIP's file name of the K-shot list of split 1: {@code train1_few_shot_K.txt}. */
    public static String fewShotListName(int shots) {
        return "train1_few_shot_" + shots + ".txt";
    }

    /** ViFi-CLIP's file name of a base-to-novel training list of a seed (1..3): {@code fs_base_sN_train.txt}. */
    public static String baseTrainListName(int seed) {
        return "fs_base_s" + seed + "_train.txt";
    }

    /**
     * Draws {@code shots} videos of every class from {@code source}, deterministically from {@code seed}.
     *
     * <p>The rule: the classes are those of the list's label table when it has one (so a class without enough
     * videos is noticed even when it has none), otherwise the labels present; for each class, its entries in list
     * order are partially shuffled (Fisher-Yates, first {@code shots} positions) with a {@link SplittableRandom}
     * seeded from {@code seed} and the class id, so a class's draw does not depend on the other classes. The
     * result is grouped by class ascending, in list order within a class (the layout of ViFi-CLIP's lists), with
     * the original line numbers. With one seed, a K-shot draw is a prefix of the 2K-shot draw of each class,
     * whereas ViFi-CLIP's official lists are independent draws.
     *
     * @throws IllegalArgumentException for {@code shots < 1}, or naming every class with fewer than {@code shots}
     *                                  videos
     */
    public static VideoList kShot(VideoList source, int shots, long seed) {
        if (shots < 1) {
            throw new IllegalArgumentException("shots must be >= 1, got " + shots);
        }
        SortedMap<Integer, List<VideoEntry>> byClass = source.byClass();
        int[] classes;
        if (source.labels().isPresent()) {
            classes = new int[source.labels().get().size()];
            Arrays.setAll(classes, i -> i);
        } else {
            classes = byClass.keySet().stream().mapToInt(Integer::intValue).toArray();
        }
        List<String> shortClasses = new ArrayList<>();
        List<VideoEntry> drawn = new ArrayList<>();
        for (int c : classes) {
            List<VideoEntry> candidates = byClass.getOrDefault(c, List.of());
            if (candidates.size() < shots) {
                String name = source.labels().map(t -> " (" + t.name(c) + ")").orElse("");
                shortClasses.add("class " + c + name + " has " + candidates.size());
                continue;
            }
            int[] order = new int[candidates.size()];
            Arrays.setAll(order, i -> i);
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + c);
            for (int i = 0; i < shots; i++) {
                int j = i + random.nextInt(order.length - i);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            int[] picked = Arrays.copyOf(order, shots);
            Arrays.sort(picked);
            for (int index : picked) {
                drawn.add(candidates.get(index));
            }
        }
        if (!shortClasses.isEmpty()) {
            throw new IllegalArgumentException(source.source() + ": cannot draw " + shots + " videos per class: "
                    + String.join(", ", shortClasses));
        }
        return VideoList.of(source.source() + " [" + shots + "-shot, seed " + seed + "]", source.dataRoot(), drawn,
                source.labels().orElse(null));
    }

    /** Shorthand for {@link BaseNovelSplit#of}. */
    public static BaseNovelSplit baseNovel(LabelTable all, int[] baseIds) {
        return BaseNovelSplit.of(all, baseIds);
    }

    /** Shorthand for {@link BaseNovelSplit#fromLabelTables}. */
    public static BaseNovelSplit baseNovel(LabelTable all, LabelTable base, LabelTable novel) {
        return BaseNovelSplit.fromLabelTables(all, base, novel);
    }
}

package dev.vclip.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * ViFi-CLIP's base-to-novel split of a dataset's classes: the classes are divided into base (trained on) and
 * novel (only evaluated), and each side is renumbered from 0 with its own label table
 * ({@code labels/kinetics_400_base_labels.csv} / {@code labels/kinetics_400_novel_labels.csv}, ...), so that
 * {@code base_val.txt} and {@code novel_val.txt} carry base and novel ids respectively.
 *
 * <p>Which classes are base is given by those label files, not by a rule (K400 200/200, HMDB-51 26/25 with the
 * novel classes being its first 25, UCF-101 51/50, SSv2 87/87; the repository has no sampling script). So the
 * split is built either from the three label tables ({@link #fromLabelTables}), matching names exactly, or from
 * the base class ids ({@link #of}).
 */
public final class BaseNovelSplit {
    private final LabelTable all;
    private final LabelTable base;
    private final LabelTable novel;
    private final int[] baseIds;
    private final int[] novelIds;
    private final int[] toBase;
    private final int[] toNovel;

    private BaseNovelSplit(LabelTable all, LabelTable base, LabelTable novel, int[] baseIds, int[] novelIds) {
        this.all = all;
        this.base = base;
        this.novel = novel;
        this.baseIds = baseIds;
        this.novelIds = novelIds;
        this.toBase = new int[all.size()];
        this.toNovel = new int[all.size()];
        Arrays.fill(toBase, -1);
        Arrays.fill(toNovel, -1);
        for (int i = 0; i < baseIds.length; i++) {
            toBase[baseIds[i]] = i;
        }
        for (int i = 0; i < novelIds.length; i++) {
            toNovel[novelIds[i]] = i;
        }
    }

    /**
     * Base classes by their ids in {@code all}: base id {@code i} is {@code baseIds[i]} (the given order); the
     * novel classes are all others, in ascending order of their id in {@code all}.
     *
     * @throws IllegalArgumentException for an id out of range or repeated, or a side left empty
     */
    public static BaseNovelSplit of(LabelTable all, int[] baseIds) {
        boolean[] isBase = new boolean[all.size()];
        for (int id : baseIds) {
            if (!all.contains(id)) {
                throw new IllegalArgumentException("base class id " + id + " is not a class of " + all.source()
                        + " (ids 0.." + (all.size() - 1) + ")");
            }
            if (isBase[id]) {
                throw new IllegalArgumentException("base class id " + id + " is given twice");
            }
            isBase[id] = true;
        }
        List<Integer> novel = new ArrayList<>();
        for (int id = 0; id < all.size(); id++) {
            if (!isBase[id]) {
                novel.add(id);
            }
        }
        if (baseIds.length == 0 || novel.isEmpty()) {
            throw new IllegalArgumentException("a base-to-novel split needs at least one base and one novel class,"
                    + " got " + baseIds.length + " base of " + all.size());
        }
        int[] novelIds = novel.stream().mapToInt(Integer::intValue).toArray();
        return new BaseNovelSplit(all, subset(all, baseIds, "base"), subset(all, novelIds, "novel"),
                baseIds.clone(), novelIds);
    }

    /**
     * The split given by ViFi-CLIP's label files: every name of {@code base} and {@code novel} must be a class of
     * {@code all} (exact match), and no class may be on both sides. Classes of {@code all} on neither side are
     * allowed (they are simply in no subset).
     *
     * @throws DatasetFormatException naming the base or novel file and the line of the offending class
     */
    public static BaseNovelSplit fromLabelTables(LabelTable all, LabelTable base, LabelTable novel) {
        int[] baseIds = idsIn(all, base);
        int[] novelIds = idsIn(all, novel);
        int[] side = new int[all.size()];
        for (int i = 0; i < baseIds.length; i++) {
            side[baseIds[i]] = i + 1;
        }
        for (int i = 0; i < novelIds.length; i++) {
            if (side[novelIds[i]] != 0) {
                int baseId = side[novelIds[i]] - 1;
                throw new DatasetFormatException(novel.source(), novel.line(i), "novel class '" + novel.name(i)
                        + "' is also a base class (" + base.source() + " line " + base.line(baseId) + ")");
            }
        }
        return new BaseNovelSplit(all, base, novel, baseIds, novelIds);
    }

    private static int[] idsIn(LabelTable all, LabelTable side) {
        int[] ids = new int[side.size()];
        for (int i = 0; i < side.size(); i++) {
            String name = side.name(i);
            OptionalInt id = all.idOf(name);
            if (id.isEmpty()) {
                throw new DatasetFormatException(side.source(), side.line(i), "class '" + name + "' is not a class"
                        + " of " + all.source());
            }
            int first = id.getAsInt();
            for (int other = first + 1; other < all.size(); other++) {
                if (all.name(other).equals(name)) {
                    throw new DatasetFormatException(side.source(), side.line(i), "class '" + name + "' is ambiguous:"
                            + " " + all.source() + " has it twice (ids " + first + " and " + other + ")");
                }
            }
            ids[i] = first;
        }
        return ids;
    }

    private static LabelTable subset(LabelTable all, int[] ids, String side) {
        List<String> names = new ArrayList<>(ids.length);
        for (int id : ids) {
            names.add(all.name(id));
        }
        return LabelTable.of(all.source() + " [" + side + "]", names);
    }

    /** The full label table. */
    public LabelTable all() {
        return all;
    }

    /** The base classes, renumbered from 0. */
    public LabelTable base() {
        return base;
    }

    /** The novel classes, renumbered from 0. */
    public LabelTable novel() {
        return novel;
    }

    /** For each base id, its id in {@link #all()}. */
    public int[] baseIds() {
        return baseIds.clone();
    }

    /** For each novel id, its id in {@link #all()}. */
    public int[] novelIds() {
        return novelIds.clone();
    }

    /** The base id of a class of {@link #all()}, or -1 when it is not a base class. */
    public int toBase(int id) {
        return all.contains(id) ? toBase[id] : -1;
    }

    /** The novel id of a class of {@link #all()}, or -1 when it is not a novel class. */
    public int toNovel(int id) {
        return all.contains(id) ? toNovel[id] : -1;
    }

    /** The videos of base classes of a list labelled with {@link #all()} ids, relabelled with base ids. */
    public VideoList baseVideos(VideoList list) {
        return remap(list, toBase, base, "base");
    }

    /** The videos of novel classes of a list labelled with {@link #all()} ids, relabelled with novel ids. */
    public VideoList novelVideos(VideoList list) {
        return remap(list, toNovel, novel, "novel");
    }

    private VideoList remap(VideoList list, int[] mapping, LabelTable table, String side) {
        if (list.labels().isPresent() && !list.labels().get().equals(all)) {
            throw new IllegalArgumentException(list.source() + " is labelled with " + list.labels().get().source()
                    + ", not with the full table " + all.source());
        }
        List<VideoEntry> kept = new ArrayList<>();
        for (VideoEntry entry : list.entries()) {
            if (!all.contains(entry.label())) {
                throw new IllegalArgumentException(list.source() + ":" + entry.line() + ": label " + entry.label()
                        + " is not a class of " + all.source());
            }
            int mapped = mapping[entry.label()];
            if (mapped >= 0) {
                kept.add(entry.withLabel(mapped));
            }
        }
        return VideoList.of(list.source() + " [" + side + "]", list.dataRoot(), kept, table);
    }

    @Override
    public String toString() {
        return "BaseNovelSplit[" + all.source() + ": " + base.size() + " base, " + novel.size() + " novel]";
    }
}

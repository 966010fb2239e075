package dev.vclip.data;

import dev.vclip.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An X-CLIP / ViFi-CLIP annotation list ({@code DATA.TRAIN_FILE}, {@code DATA.VAL_FILE}; ViFi-CLIP's
 * {@code datasets_splits/**}, including the K-shot lists {@code train1_few_shot_K.txt} and the base-to-novel
 * lists {@code fs_base_s1_train.txt}, {@code base_val.txt}, {@code novel_val.txt}), resolved against
 * {@code DATA.ROOT}. Videos are not opened here.
 *
 * <p>Two layouts, one per file:
 * <ul>
 *   <li>{@link Layout#VIDEO} {@code path label}, e.g. {@code a.mp4 0}: X-CLIP {@code datasets/build.py}
 *       {@code VideoDataset.load_annotations} does {@code filename, label = line.strip().split()} and
 *       {@code int(label)};</li>
 *   <li>{@link Layout#RAWFRAMES} {@code frame_dir total_frames label}, e.g. {@code some/directory-1 163 1}: the
 *       MMAction2 {@code RawframeDataset} list for extracted frames (X-CLIP itself has no rawframes loader).</li>
 * </ul>
 * {@link Layout#AUTO} takes the layout from the first entry (2 or 3 fields) and requires the same of every
 * other line. X-CLIP's multi-label form ({@code path l1 l2 ...}, {@code multi_class=True}, unused by every
 * config) is not supported: it cannot be told apart from a rawframes line.
 *
 * <p>Format decisions, from the reference:
 * <ul>
 *   <li>fields are separated by runs of whitespace (Python's {@code str.split()}), so paths cannot contain
 *       whitespace; a line with too many fields says so;</li>
 *   <li>a blank line is malformed: the reference fails on it ({@code filename, label = []});</li>
 *   <li>there are no comment lines: {@code #a.mp4 0} is a video named {@code #a.mp4}, as in the reference,
 *       and {@code # some words} is malformed (with a hint);</li>
 *   <li>labels are non-negative decimal integers; given a {@link LabelTable}, a label must be one of its ids;</li>
 *   <li>with a {@code .tar} {@code DATA.ROOT} the paths must be plain file names: X-CLIP's {@code DecordInit}
 *       opens {@code dirname(root/path) + '.tar'} and extracts the base name, so {@code sub/a.mp4} would look
 *       in {@code sub.tar};</li>
 *   <li>a list without any entry is fatal in both modes (the reference would build an empty dataset).</li>
 * </ul>
 * Line numbers count {@code \n}, {@code \r\n} and a lone {@code \r} as line ends (Python's universal newlines);
 * a UTF-8 byte order mark is dropped.
 */
public final class VideoList {

    /** Line layout of a list file. */
    public enum Layout {
        /** Decided by the first entry: 2 fields for {@link #VIDEO}, 3 for {@link #RAWFRAMES}. */
        AUTO,
        /** {@code path label} */
        VIDEO,
        /** {@code frame_dir total_frames label} */
        RAWFRAMES;

        int fieldCount() {
            return this == RAWFRAMES ? 3 : 2;
        }

        String pattern() {
            return this == RAWFRAMES ? "'frame_dir total_frames label'" : "'path label'";
        }
    }

    private final String source;
    private final String dataRoot;
    private final LabelTable labels;
    private final Layout layout;
    private final List<VideoEntry> entries;

    private VideoList(String source, String dataRoot, LabelTable labels, Layout layout, List<VideoEntry> entries) {
        this.source = source;
        this.dataRoot = dataRoot;
        this.labels = labels;
        this.layout = layout;
        this.entries = Collections.unmodifiableList(new ArrayList<>(entries));
    }

    /**
     * A list built in memory (for writing, or from a sampler). Entries are moved under {@code dataRoot}; their
     * layout must agree (all with a frame count, or none); labels are checked against {@code labels} if given.
     *
     * @throws IllegalArgumentException when they do not
     */
    public static VideoList of(String dataRoot, List<VideoEntry> entries, LabelTable labels) {
        return of("<memory>", dataRoot, entries, labels);
    }

    /** As {@link #of(String, List, LabelTable)}, with the name to use in messages and for {@link #source()}. */
    public static VideoList of(String source, String dataRoot, List<VideoEntry> entries, LabelTable labels) {
        Layout layout = Layout.VIDEO;
        if (!entries.isEmpty()) {
            layout = entries.get(0).hasFrameCount() ? Layout.RAWFRAMES : Layout.VIDEO;
        }
        List<VideoEntry> moved = new ArrayList<>(entries.size());
        for (VideoEntry entry : entries) {
            if (entry.hasFrameCount() != (layout == Layout.RAWFRAMES)) {
                throw new IllegalArgumentException("entries mix the 'path label' and 'frame_dir total_frames label'"
                        + " layouts: " + entries.get(0).relativePath() + " and " + entry.relativePath());
            }
            if (labels != null && !labels.contains(entry.label())) {
                throw new IllegalArgumentException("label " + entry.label() + " of " + entry.relativePath()
                        + " is not a class of " + labels.source() + " (ids 0.." + (labels.size() - 1) + ")");
            }
            if (VideoEntry.isTarRoot(dataRoot) && entry.relativePath().indexOf('/') >= 0) {
                throw new IllegalArgumentException("DATA.ROOT " + dataRoot + " is a tar archive, so paths must be"
                        + " plain file names, found " + entry.relativePath());
            }
            moved.add(entry.withDataRoot(dataRoot));
        }
        return new VideoList(source, dataRoot, labels, layout, moved);
    }

    /** The index of the first character below U+0020 or U+007F in {@code s}, or -1. */
    static int firstControlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return i;
            }
        }
        return -1;
    }

    /** Reads a list, throwing at the first problem; labels are not checked against a table. */
    public static VideoList read(Path listFile, String dataRoot) {
        return read(listFile, dataRoot, null, Layout.AUTO, ParseReport.strict());
    }

    /** Reads a list with the layout taken from its first entry. {@code labels} may be null. */
    public static VideoList read(Path listFile, String dataRoot, LabelTable labels, ParseReport report) {
        return read(listFile, dataRoot, labels, Layout.AUTO, report);
    }

    /** Reads a list. {@code labels} may be null (labels are then only checked to be non-negative integers). */
    public static VideoList read(Path listFile, String dataRoot, LabelTable labels, Layout layout,
                                 ParseReport report) {
        return parse(listFile.toString(), TextFiles.read(listFile), dataRoot, labels, layout, report);
    }

    /** Parses list text already in memory; {@code fileName} is used in messages. */
    public static VideoList parse(String fileName, String text, String dataRoot, LabelTable labels, Layout layout,
                                  ParseReport report) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        boolean tarRoot = VideoEntry.isTarRoot(dataRoot);
        Layout fixed = layout == Layout.AUTO ? null : layout;
        int layoutLine = 0;
        List<VideoEntry> entries = new ArrayList<>();
        TextFiles.Lines lines = new TextFiles.Lines(text);
        while (lines.hasNext()) {
            String line = lines.take();
            int number = lines.number();
            List<String> fields = TextFiles.splitWhitespace(line);
            String hint = TextFiles.strip(line).startsWith("#")
                    ? " (there are no comment lines in this format: every line is an entry)" : "";
            if (fields.isEmpty()) {
                report.skip(fileName, number, "blank line: expected "
                        + (fixed == null ? "'path label'" : fixed.pattern())
                        + " (the reference loader fails on blank lines)");
                continue;
            }
            Layout lineLayout = fixed;
            if (lineLayout == null) {
                if (fields.size() == 2 || fields.size() == 3) {
                    lineLayout = fields.size() == 2 ? Layout.VIDEO : Layout.RAWFRAMES;
                } else {
                    report.skip(fileName, number, "expected 'path label' or 'frame_dir total_frames label', found "
                            + fields.size() + (fields.size() == 1 ? " field" : " fields")
                            + (fields.size() > 3 ? " (paths cannot contain whitespace: lines are split on it)" : "")
                            + hint);
                    continue;
                }
            }
            if (fields.size() != lineLayout.fieldCount()) {
                String what = fields.size() == 1 ? "found only one field, the label is missing"
                        : "found " + fields.size() + " fields";
                String why = fields.size() > lineLayout.fieldCount()
                        ? " (paths cannot contain whitespace: lines are split on it)" : "";
                String established = layoutLine > 0 && layout == Layout.AUTO
                        ? " like the first entry of this list (line " + layoutLine + ")" : "";
                report.skip(fileName, number, "expected " + lineLayout.pattern() + established + ", " + what + why
                        + hint);
                continue;
            }
            Numbers.Parsed label = Numbers.parseIndex("label", fields.get(fields.size() - 1), false);
            if (!label.ok()) {
                report.skip(fileName, number, label.error() + ": expected " + lineLayout.pattern() + hint);
                continue;
            }
            int totalFrames = VideoEntry.NO_FRAME_COUNT;
            if (lineLayout == Layout.RAWFRAMES) {
                Numbers.Parsed frames = Numbers.parseIndex("total_frames", fields.get(1), false);
                if (!frames.ok()) {
                    report.skip(fileName, number, frames.error() + ": expected " + lineLayout.pattern()
                            + (layout == Layout.AUTO ? " (a list of 'path label' lines cannot have spaces in"
                            + " paths)" : "") + hint);
                    continue;
                }
                totalFrames = (int) frames.value();
            }
            if (labels != null && !labels.contains((int) label.value())) {
                report.skip(fileName, number, "label " + label.value() + " is not a class of " + labels.source()
                        + " (ids 0.." + (labels.size() - 1) + ")");
                continue;
            }
            String path = fields.get(0);
            int control = firstControlCharacter(path);
            if (control >= 0) {
                // a NUL (or another control byte) is no file name: no file system can open it
                report.skip(fileName, number, String.format(java.util.Locale.ROOT, "the path has a control character "
                        + "(U+%04X) at position %d: not a file name", (int) path.charAt(control), control + 1));
                continue;
            }
            if (tarRoot && path.indexOf('/') >= 0) {
                report.skip(fileName, number, "DATA.ROOT " + dataRoot + " is a tar archive, so the path must be a"
                        + " plain file name (X-CLIP extracts the base name from dirname(root/path) + '.tar'), found '"
                        + path + "'");
                continue;
            }
            if (fixed == null) {
                fixed = lineLayout;
                layoutLine = number;
            }
            entries.add(new VideoEntry(dataRoot, path, (int) label.value(), number, totalFrames));
            report.accepted(fileName);
        }
        if (entries.isEmpty()) {
            throw new DatasetFormatException(fileName, 0, lines.number() == 0
                    ? "empty file: expected one 'path label' line per video"
                    : "no valid entry in " + lines.number() + (lines.number() == 1 ? " line" : " lines")
                    + ": expected 'path label' lines");
        }
        return new VideoList(fileName, dataRoot, labels, fixed, entries);
    }

    /** The file read, or the name given to a list built in memory. */
    public String source() {
        return source;
    }

    /** {@code DATA.ROOT}: a folder or a {@code .tar} archive (may be null). */
    public String dataRoot() {
        return dataRoot;
    }

    /** The label table the labels were checked against, if any. */
    public Optional<LabelTable> labels() {
        return Optional.ofNullable(labels);
    }

    /** {@link Layout#VIDEO} or {@link Layout#RAWFRAMES}, never {@link Layout#AUTO}. */
    public Layout layout() {
        return layout;
    }

    public List<VideoEntry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public VideoEntry get(int index) {
        return entries.get(index);
    }

    /** Entries per class id, classes ascending, entries in list order. */
    public SortedMap<Integer, List<VideoEntry>> byClass() {
        SortedMap<Integer, List<VideoEntry>> byClass = new TreeMap<>();
        for (VideoEntry entry : entries) {
            byClass.computeIfAbsent(entry.label(), k -> new ArrayList<>()).add(entry);
        }
        return byClass;
    }

    /** The entries that pass {@code keep}, in order, with the same root, table and layout. */
    public VideoList filter(Predicate<VideoEntry> keep) {
        List<VideoEntry> kept = new ArrayList<>();
        for (VideoEntry entry : entries) {
            if (keep.test(entry)) {
                kept.add(entry);
            }
        }
        return new VideoList(source, dataRoot, labels, layout, kept);
    }

    /**
     * The list as the text {@link #read} reads: one {@code path label} (or {@code frame_dir total_frames label})
     * line per entry, each ended by {@code \n}.
     *
     * @throws IllegalArgumentException for a list that could not be read back: no entries, or a path containing
     *                                  whitespace
     */
    public String toText() {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("an empty list cannot be written: the format needs at least one entry");
        }
        StringBuilder out = new StringBuilder();
        for (VideoEntry entry : entries) {
            String path = entry.relativePath();
            if (TextFiles.containsSpace(path)) {
                throw new IllegalArgumentException("path '" + path + "' contains whitespace, which the list format"
                        + " cannot hold (lines are split on whitespace)");
            }
            out.append(path).append(' ');
            if (layout == Layout.RAWFRAMES) {
                out.append(entry.totalFrames()).append(' ');
            }
            out.append(entry.label()).append('\n');
        }
        return out.toString();
    }

    /** Writes {@link #toText()} atomically (UTF-8). */
    public void write(Path listFile) {
        AtomicFiles.write(listFile, toText().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "VideoList[" + source + ", " + entries.size() + " entries, " + layout + ", root " + dataRoot + "]";
    }
}

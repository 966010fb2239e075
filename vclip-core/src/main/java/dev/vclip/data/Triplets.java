package dev.vclip.data;

import dev.vclip.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * Language-guided temporal localisation triplets of XCLIP_Baseline ({@code cholec80_*_triplets.csv}, read by
 * {@code xclip_module/data.py} {@code TripletDataset} and {@code load_triplets_for_eval}): one ground-truth moment
 * per row,
 *
 * <pre>
 * video_id,text,start_frame,end_frame[,fps]
 * video01,the gallbladder is retracted,120,480,25
 * </pre>
 *
 * <p>Format decisions:
 * <ul>
 *   <li>columns are found by name in the header, as pandas does: {@code video_id} and {@code text}, or the
 *       reference's alternative {@code video} and {@code query} (used when there is no {@code video_id} column);
 *       {@code start_frame} and {@code end_frame} are required; {@code fps} is optional; other columns are
 *       ignored. Written back as {@code video_id,text,start_frame,end_frame[,fps]};</li>
 *   <li>frames are non-negative integers with {@code start_frame < end_frame}: the moment is
 *       {@code [start_frame, end_frame)}, end exclusive, as the reference's evaluation uses it. {@code "12.0"}
 *       is read as 12 (pandas writes integer columns that way once they hold a missing value); {@code "12.5"}
 *       is an error. (The metric reference itself would truncate fractional or negative bounds; this parser
 *       rejects them so that such data is noticed.);</li>
 *   <li>{@code fps}, when the column exists and the cell is not empty, is a finite number {@code > 0}; without
 *       it the reference uses {@value #DEFAULT_FPS} ({@code row.get('fps', 30)}), see {@link #queries()};</li>
 *   <li>every row needs as many fields as the header; an empty video id or text is malformed. CSV details as in
 *       {@link Csv} (blank lines skipped, no comments).</li>
 * </ul>
 */
public final class Triplets {

    /** The reference's frame rate when a row has no fps. */
    public static final double DEFAULT_FPS = 30.0;

    /** A plain decimal number as Python's {@code float()} reads it (no NaN, infinity, hex or Java's 'd' suffix). */
    private static final Pattern DECIMAL = Pattern.compile("[+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    /** One ground-truth moment {@code [startFrame, endFrame)} of a text query in a video. */
    public record Triplet(String videoId, String text, int startFrame, int endFrame, OptionalDouble fps, int line) {
        public Triplet {
            if (videoId == null || videoId.isEmpty() || text == null || text.isEmpty()) {
                throw new IllegalArgumentException("a triplet needs a video id and a text");
            }
            if (startFrame < 0 || startFrame >= endFrame) {
                throw new IllegalArgumentException("need 0 <= start_frame < end_frame, got [" + startFrame + ", "
                        + endFrame + ")");
            }
            if (fps.isPresent() && !(fps.getAsDouble() > 0 && Double.isFinite(fps.getAsDouble()))) {
                throw new IllegalArgumentException("fps must be a positive number, got " + fps.getAsDouble());
            }
        }

        /** A triplet without fps, built in memory. */
        public Triplet(String videoId, String text, int startFrame, int endFrame) {
            this(videoId, text, startFrame, endFrame, OptionalDouble.empty(), 0);
        }
    }

    /**
     * The moments of one (video, text) pair, as {@code load_triplets_for_eval} groups them; {@code fps} is the first
     * row's, or {@value #DEFAULT_FPS}.
     */
    public record Query(String videoId, String text, List<Triplet> moments, double fps) {
        public Query {
            moments = List.copyOf(moments);
        }
    }

    private final String source;
    private final List<Triplet> triplets;

    private Triplets(String source, List<Triplet> triplets) {
        this.source = source;
        this.triplets = Collections.unmodifiableList(new ArrayList<>(triplets));
    }

    /** Triplets built in memory. */
    public static Triplets of(List<Triplet> triplets) {
        if (triplets.isEmpty()) {
            throw new IllegalArgumentException("need at least one triplet");
        }
        return new Triplets("<memory>", triplets);
    }

    /** Reads a triplets CSV, throwing at the first problem. */
    public static Triplets read(Path csv) {
        return read(csv, ParseReport.strict());
    }

    /** Reads a triplets CSV; malformed rows go to {@code report}. */
    public static Triplets read(Path csv, ParseReport report) {
        return parse(Csv.open(csv), report);
    }

    /** Parses CSV text already in memory; {@code fileName} is used in messages. */
    public static Triplets parse(String fileName, String text, ParseReport report) {
        return parse(Csv.of(fileName, text), report);
    }

    private static Triplets parse(Csv.Reader reader, ParseReport report) {
        String file = reader.file();
        Csv.Row header = reader.next();
        String expectedHeader = "'video_id,text,start_frame,end_frame[,fps]'";
        if (header == null) {
            throw new DatasetFormatException(file, 0, "empty file: expected the header " + expectedHeader);
        }
        if (!header.ok()) {
            throw new DatasetFormatException(file, header.line(), "malformed header: " + header.problem());
        }
        List<String> columns = header.fields();
        boolean videoIdNaming = columns.contains("video_id");
        int videoColumn = columns.indexOf(videoIdNaming ? "video_id" : "video");
        int textColumn = columns.indexOf(videoIdNaming ? "text" : "query");
        int startColumn = columns.indexOf("start_frame");
        int endColumn = columns.indexOf("end_frame");
        int fpsColumn = columns.indexOf("fps");
        if (videoColumn < 0 || textColumn < 0 || startColumn < 0 || endColumn < 0) {
            List<String> missing = new ArrayList<>();
            if (videoColumn < 0) {
                missing.add(videoIdNaming ? "video_id" : "video_id (or video)");
            }
            if (textColumn < 0) {
                missing.add(videoIdNaming ? "text" : "text (or query)");
            }
            if (startColumn < 0) {
                missing.add("start_frame");
            }
            if (endColumn < 0) {
                missing.add("end_frame");
            }
            throw new DatasetFormatException(file, header.line(), "expected the header " + expectedHeader
                    + ", missing " + String.join(", ", missing) + " in '" + Csv.formatRecord(columns) + "'");
        }
        List<Triplet> triplets = new ArrayList<>();
        for (Csv.Row row = reader.next(); row != null; row = reader.next()) {
            if (!row.ok()) {
                report.skip(file, row.line(), row.problem());
                continue;
            }
            if (row.size() != columns.size()) {
                report.skip(file, row.line(), "expected " + columns.size() + " fields like the header ('"
                        + Csv.formatRecord(columns) + "'), found " + row.size()
                        + (row.size() > columns.size() ? " (a text that contains a comma must be quoted)" : ""));
                continue;
            }
            String videoId = row.get(videoColumn);
            String text = row.get(textColumn);
            if (videoId.isEmpty()) {
                report.skip(file, row.line(), "empty " + columns.get(videoColumn));
                continue;
            }
            if (text.isEmpty()) {
                report.skip(file, row.line(), "empty " + columns.get(textColumn) + " for video '" + videoId + "'");
                continue;
            }
            Numbers.Parsed start = Numbers.parseIndex("start_frame", row.get(startColumn), true);
            if (!start.ok()) {
                report.skip(file, row.line(), start.error());
                continue;
            }
            Numbers.Parsed end = Numbers.parseIndex("end_frame", row.get(endColumn), true);
            if (!end.ok()) {
                report.skip(file, row.line(), end.error());
                continue;
            }
            if (start.value() >= end.value()) {
                report.skip(file, row.line(), "start_frame " + start.value() + " >= end_frame " + end.value()
                        + ": expected start_frame < end_frame (the moment [start, end) excludes end)");
                continue;
            }
            OptionalDouble fps = OptionalDouble.empty();
            if (fpsColumn >= 0 && !TextFiles.strip(row.get(fpsColumn)).isEmpty()) {
                String cell = TextFiles.strip(row.get(fpsColumn));
                double value;
                try {
                    value = Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    value = Double.NaN;
                }
                if (!(value > 0) || Double.isInfinite(value) || !DECIMAL.matcher(cell).matches()) {
                    report.skip(file, row.line(), "fps '" + row.get(fpsColumn) + "' is not a positive number");
                    continue;
                }
                fps = OptionalDouble.of(value);
            }
            triplets.add(new Triplet(videoId, text, (int) start.value(), (int) end.value(), fps, row.line()));
            report.accepted(file);
        }
        if (triplets.isEmpty()) {
            throw new DatasetFormatException(file, 0, "no triplets after the header line");
        }
        return new Triplets(file, triplets);
    }

    /** The file read, or {@code <memory>}. */
    public String source() {
        return source;
    }

    public List<Triplet> triplets() {
        return triplets;
    }

    public int size() {
        return triplets.size();
    }

    /**
     * Rows grouped by (video, text) in order of first appearance, as XCLIP_Baseline's
     * {@code load_triplets_for_eval} groups them for frame-level evaluation: all moments of the pair, and the
     * fps of its first row ({@value #DEFAULT_FPS} when that row has none).
     */
    public List<Query> queries() {
        Map<List<String>, List<Triplet>> groups = new LinkedHashMap<>();
        for (Triplet triplet : triplets) {
            groups.computeIfAbsent(List.of(triplet.videoId(), triplet.text()), k -> new ArrayList<>()).add(triplet);
        }
        List<Query> queries = new ArrayList<>(groups.size());
        groups.forEach((key, moments) -> queries.add(new Query(key.get(0), key.get(1), moments,
                moments.get(0).fps().orElse(DEFAULT_FPS))));
        return queries;
    }

    /**
     * The CSV {@link #read} reads: {@code video_id,text,start_frame,end_frame}, plus {@code fps} when any triplet
     * has one (an empty cell for those without).
     */
    public String toCsv() {
        boolean withFps = triplets.stream().anyMatch(t -> t.fps().isPresent());
        StringBuilder out = new StringBuilder(withFps ? "video_id,text,start_frame,end_frame,fps\n"
                : "video_id,text,start_frame,end_frame\n");
        for (Triplet t : triplets) {
            List<String> fields = new ArrayList<>(List.of(t.videoId(), t.text(), Integer.toString(t.startFrame()),
                    Integer.toString(t.endFrame())));
            if (withFps) {
                fields.add(t.fps().isPresent() ? formatFps(t.fps().getAsDouble()) : "");
            }
            out.append(Csv.formatRecord(fields)).append('\n');
        }
        return out.toString();
    }

    /** Integral rates without a fraction ({@code 25}), others in Java's shortest round-trip form. */
    private static String formatFps(double fps) {
        if (fps == Math.rint(fps) && fps < 1e15) {
            return Long.toString((long) fps);
        }
        return Double.toString(fps);
    }

    /** Writes {@link #toCsv()} atomically (UTF-8). */
    public void write(Path csv) {
        AtomicFiles.write(csv, toCsv().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Triplets[" + source + ", " + triplets.size() + " rows]";
    }
}

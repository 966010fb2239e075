package dev.vclip.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import dev.vclip.AtomicFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Text-video retrieval captions (MSR-VTT, MSVD, DiDeMo, ActivityNet Captions; CenterCLIP and CLIP4Clip {@code dataloaders/}): videos in order,
 * each with one or more sentences, and the flat caption list that retrieval metrics take (captions grouped by
 * video, in video order; {@link #captionsPerVideo()} as the metrics fixture's {@code captions_per_video};
 * {@link #captionToVideo()} the ground truth of each caption).
 *
 * <p>Formats read:
 * <ul>
 *   <li><b>CSV</b> with a header, located by column name as pandas does: {@code video_id} and {@code sentence}
 *       (or {@code caption}); other columns are ignored. Covers {@code MSRVTT_JSFUSION_test.csv}
 *       ({@code key,vid_key,video_id,sentence}, read by CenterCLIP {@code MSRVTT_DataLoader} with
 *       {@code pd.read_csv}) and plain {@code video_id,sentence}. A header with {@code video_id} alone
 *       ({@code MSRVTT_train.9k.csv}) is a video list, not captions, and is rejected with that explanation.
 *       Every row must have as many fields as the header. CSV details as in {@link Csv};</li>
 *   <li><b>JSON</b> either as {@code msrvtt_data.json} (CLIP4Clip release, read by {@code MSRVTT_TrainDataLoader}):
 *       {@code {"videos": [{"video_id": ...}, ...], "sentences": [{"video_id": ..., "caption": ...}, ...]}}
 *       (other keys and fields ignored; when {@code videos} is present it gives the video order, otherwise the
 *       order of first appearance in {@code sentences}); or a map {@code {"video_id": [captions]}} whose captions
 *       are strings or lists of words (joined with one space, as CenterCLIP {@code MSVD_DataLoader} joins the
 *       token lists of {@code raw-captions.pkl}); a single string is one caption; or DiDeMo's
 *       {@code test_data.json}, a list {@code [{"video": ..., "description": ..., "times": ...}, ...]} with one
 *       sentence per entry; or ActivityNet Captions' {@code val_1.json}, {@code {"v_id": {"duration": ...,
 *       "timestamps": [...], "sentences": [...]}}} (the key, {@code v_} included, is the video id). Moments and
 *       durations are ignored; {@link #asParagraphs()} joins a video's sentences as CLIP4Clip evaluates these
 *       two;</li>
 *   <li><b>text</b> as MSVD's {@code AllVideoDescriptions.txt}: {@code video_id caption words...}, the id up to
 *       the first whitespace, the caption the rest (stripped); blank lines and lines starting with {@code #} are
 *       skipped.</li>
 * </ul>
 * MSVD's {@code raw-captions.pkl} (a Python pickle of {@code {video_id: [[word, ...], ...]}}) is not read: this
 * package executes no pickles. Convert it once in Python, e.g.
 * {@code json.dump(pickle.load(f), open('raw-captions.json', 'w'))}, and read the JSON map. MSVD's split lists
 * ({@code test_list.txt}: one video id per line) select and order the videos: {@link #selectListed}.
 *
 * <p>Order: videos in order of first appearance (or of {@code videos}); a video's captions in file order. Rows of
 * one video need not be adjacent; they are grouped, which is what multi-caption evaluation needs
 * ({@code cut_off_points} in CLIP4Clip / CenterCLIP). Empty captions and empty video ids are malformed (pandas
 * would read NaN). Each {@link Caption} keeps its line. In the JSON map a repeated video id is a problem of the
 * repeat's line and the first occurrence is kept (Python's {@code json.load} would silently keep the last).
 */
public final class Captions {

    /** One sentence and the 1-based line where it starts (0 when built in memory). */
    public record Caption(String text, int line) {
        public Caption {
            if (text == null || text.isEmpty()) {
                throw new IllegalArgumentException("a caption cannot be empty");
            }
        }
    }

    /** A video and its captions; {@code line} is where the video first appears (0 when built in memory). */
    public record VideoCaptions(String videoId, List<Caption> captions, int line) {
        public VideoCaptions {
            if (videoId == null || videoId.isEmpty()) {
                throw new IllegalArgumentException("a video id cannot be empty");
            }
            if (captions.isEmpty()) {
                throw new IllegalArgumentException("video " + videoId + " has no captions");
            }
            captions = List.copyOf(captions);
        }

        public int size() {
            return captions.size();
        }
    }

    private final String source;
    private final List<VideoCaptions> videos;
    private final Map<String, Integer> indexById;

    private Captions(String source, List<VideoCaptions> videos) {
        this.source = source;
        this.videos = Collections.unmodifiableList(new ArrayList<>(videos));
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < videos.size(); i++) {
            if (index.putIfAbsent(videos.get(i).videoId(), i) != null) {
                throw new IllegalArgumentException("video " + videos.get(i).videoId() + " is listed twice");
            }
        }
        this.indexById = index;
    }

    /** Captions built in memory: video id → its captions, in map order. */
    public static Captions of(Map<String, List<String>> captionsByVideo) {
        List<VideoCaptions> videos = new ArrayList<>();
        captionsByVideo.forEach((id, texts) -> {
            List<Caption> captions = new ArrayList<>();
            texts.forEach(t -> captions.add(new Caption(t, 0)));
            videos.add(new VideoCaptions(id, captions, 0));
        });
        if (videos.isEmpty()) {
            throw new IllegalArgumentException("captions need at least one video");
        }
        return new Captions("<memory>", videos);
    }

    /** Captions built in memory from records (kept as they are, lines included). */
    public static Captions ofVideos(String source, List<VideoCaptions> videos) {
        if (videos.isEmpty()) {
            throw new IllegalArgumentException("captions need at least one video");
        }
        return new Captions(source, videos);
    }

    /**
     * Reads by file extension: {@code .csv}, {@code .json}, {@code .txt}.
     *
     * @throws IllegalArgumentException for {@code .pkl} (see the class comment) or another extension
     */
    public static Captions read(Path file, ParseReport report) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return readCsv(file, report);
        }
        if (name.endsWith(".json")) {
            return readJson(file, report);
        }
        if (name.endsWith(".txt")) {
            return readText(file, report);
        }
        if (name.endsWith(".pkl") || name.endsWith(".pickle")) {
            throw new IllegalArgumentException(file + ": a Python pickle (MSVD raw-captions.pkl) is not read; convert"
                    + " it to JSON in Python: json.dump(pickle.load(open(p, 'rb')), open('raw-captions.json', 'w'))");
        }
        throw new IllegalArgumentException(file + ": unknown caption format: expected .csv, .json or .txt");
    }

    // ---------------------------------------------------------------------------------------------- assembling

    /** Groups captions by video, keeping the order of first appearance. */
    private static final class Grouper {
        private final Map<String, List<Caption>> captions = new LinkedHashMap<>();
        private final Map<String, Integer> firstLine = new HashMap<>();

        void declare(String videoId, int line) {
            captions.computeIfAbsent(videoId, k -> new ArrayList<>());
            firstLine.putIfAbsent(videoId, line);
        }

        boolean declared(String videoId) {
            return captions.containsKey(videoId);
        }

        void add(String videoId, String text, int line) {
            declare(videoId, line);
            captions.get(videoId).add(new Caption(text, line));
        }

        Captions build(String file, ParseReport report) {
            List<VideoCaptions> videos = new ArrayList<>();
            captions.forEach((id, list) -> {
                if (list.isEmpty()) {
                    report.skip(file, firstLine.get(id), "video '" + id + "' has no caption");
                } else {
                    videos.add(new VideoCaptions(id, list, firstLine.get(id)));
                }
            });
            if (videos.isEmpty()) {
                throw new DatasetFormatException(file, 0, "no captions found");
            }
            return new Captions(file, videos);
        }
    }

    // ---------------------------------------------------------------------------------------------- CSV

    /** Reads a captions CSV (see the class comment). */
    public static Captions readCsv(Path file, ParseReport report) {
        return parseCsv(Csv.open(file), report);
    }

    /** Parses captions CSV text already in memory; {@code fileName} is used in messages. */
    public static Captions parseCsv(String fileName, String text, ParseReport report) {
        return parseCsv(Csv.of(fileName, text), report);
    }

    private static Captions parseCsv(Csv.Reader reader, ParseReport report) {
        String file = reader.file();
        Csv.Row header = reader.next();
        if (header == null) {
            throw new DatasetFormatException(file, 0, "empty file: expected a header with 'video_id' and 'sentence'"
                    + " columns");
        }
        if (!header.ok()) {
            throw new DatasetFormatException(file, header.line(), "malformed header: " + header.problem());
        }
        int videoColumn = header.fields().indexOf("video_id");
        int sentenceColumn = header.fields().indexOf("sentence");
        if (sentenceColumn < 0) {
            sentenceColumn = header.fields().indexOf("caption");
        }
        if (videoColumn >= 0 && sentenceColumn < 0) {
            throw new DatasetFormatException(file, header.line(), "the header has a 'video_id' column but no"
                    + " 'sentence' column: this is a video list (like MSRVTT_train.9k.csv), the captions of MSR-VTT"
                    + " are in msrvtt_data.json");
        }
        if (videoColumn < 0) {
            throw new DatasetFormatException(file, header.line(), "expected a header with 'video_id' and 'sentence'"
                    + " columns (MSRVTT_JSFUSION_test.csv: key,vid_key,video_id,sentence), found '"
                    + Csv.formatRecord(header.fields()) + "'");
        }
        Grouper grouper = new Grouper();
        for (Csv.Row row = reader.next(); row != null; row = reader.next()) {
            if (!row.ok()) {
                report.skip(file, row.line(), row.problem());
                continue;
            }
            if (row.size() != header.size()) {
                report.skip(file, row.line(), "expected " + header.size() + " fields like the header ('"
                        + Csv.formatRecord(header.fields()) + "'), found " + row.size()
                        + (row.size() > header.size() ? " (a sentence that contains a comma must be quoted)" : ""));
                continue;
            }
            String videoId = row.get(videoColumn);
            String sentence = row.get(sentenceColumn);
            if (videoId.isEmpty()) {
                report.skip(file, row.line(), "empty video_id");
                continue;
            }
            if (sentence.isEmpty()) {
                report.skip(file, row.line(), "empty " + header.get(sentenceColumn) + " for video '" + videoId + "'");
                continue;
            }
            grouper.add(videoId, sentence, row.line());
            report.accepted(file);
        }
        return grouper.build(file, report);
    }

    // ---------------------------------------------------------------------------------------------- JSON

    /** Reads captions JSON, any of its layouts (see the class comment). */
    public static Captions readJson(Path file, ParseReport report) {
        String name = file.toString();
        JsonTree.Node root = JsonTree.read(file);
        if (root instanceof JsonTree.Arr list && !list.items().isEmpty()
                && list.items().get(0) instanceof JsonTree.Obj) {
            return readDidemoLayout(name, list, report);
        }
        if (!(root instanceof JsonTree.Obj object)) {
            String found = root instanceof JsonTree.Arr list
                    ? (list.items().isEmpty() ? "an empty array" : "an array of " + list.items().get(0).kind())
                    : root.kind();
            throw new DatasetFormatException(name, root.line(), "expected a JSON object ({\"sentences\": [...]},"
                    + " {\"video_id\": [captions]} or ActivityNet's {\"v_id\": {\"sentences\": [...]}}) or DiDeMo's"
                    + " list [{\"video\": ..., \"description\": ...}], found " + found);
        }
        if (object.fields().get("sentences") instanceof JsonTree.Arr) {
            return readMsrvttLayout(name, object, report);
        }
        if (!object.fields().isEmpty() && object.fields().values().iterator().next() instanceof JsonTree.Obj) {
            return readActivityNetLayout(name, object, report);
        }
        return readMapLayout(name, object, report);
    }

    /**
     * DiDeMo's {@code {train,val,test}_data.json}: a list of {@code {"video": ..., "description": ..., "times": ...}},
     * one sentence per entry, several entries per video (CLIP4Clip / CenterCLIP {@code DiDeMo_DataLoader}). The
     * moment ({@code times}) and other fields are ignored: retrieval pairs a video with all its sentences.
     */
    private static Captions readDidemoLayout(String file, JsonTree.Arr root, ParseReport report) {
        Grouper grouper = new Grouper();
        for (int i = 0; i < root.items().size(); i++) {
            JsonTree.Node item = root.items().get(i);
            String id = stringField(item, "video");
            if (id == null || id.isEmpty()) {
                report.skip(file, item.line(), "entry " + i + ": expected an object with a non-empty string 'video'"
                        + " (DiDeMo), found " + describe(item, "video"));
                continue;
            }
            String description = stringField(item, "description");
            if (description == null || description.isEmpty()) {
                report.skip(file, item.line(), "entry " + i + " (video '" + id + "'): expected a non-empty string"
                        + " 'description', found " + describe(item, "description"));
                continue;
            }
            grouper.add(id, description, item.line());
            report.accepted(file);
        }
        return grouper.build(file, report);
    }

    /**
     * ActivityNet Captions' {@code train.json} / {@code val_1.json}: {@code {"v_id": {"duration": ..., "timestamps":
     * [...], "sentences": [...]}}} (CLIP4Clip / CenterCLIP {@code ActivityNet_DataLoader}). The key is the video id
     * as written ({@code v_} and the YouTube id); {@code duration} and {@code timestamps} are ignored.
     */
    private static Captions readActivityNetLayout(String file, JsonTree.Obj root, ParseReport report) {
        for (JsonTree.Duplicate duplicate : root.duplicates()) {
            report.skip(file, duplicate.line(), "video '" + duplicate.name() + "' appears again (first on line "
                    + root.fieldLines().get(duplicate.name()) + "); only the first is kept");
        }
        Grouper grouper = new Grouper();
        for (Map.Entry<String, JsonTree.Node> field : root.fields().entrySet()) {
            String id = field.getKey();
            int idLine = root.fieldLines().get(id);
            if (id.isEmpty()) {
                report.skip(file, idLine, "empty video id");
                continue;
            }
            if (!(field.getValue() instanceof JsonTree.Obj video)) {
                report.skip(file, field.getValue().line(), "video '" + id + "': expected an object with 'sentences'"
                        + " (ActivityNet Captions), found " + field.getValue().kind());
                continue;
            }
            JsonTree.Node sentences = video.fields().get("sentences");
            if (!(sentences instanceof JsonTree.Arr list)) {
                report.skip(file, sentences == null ? video.line() : sentences.line(), "video '" + id + "': expected"
                        + " 'sentences' to be an array of strings, found " + (sentences == null ? "no 'sentences'"
                        : sentences.kind()));
                continue;
            }
            grouper.declare(id, idLine);
            for (int s = 0; s < list.items().size(); s++) {
                JsonTree.Node item = list.items().get(s);
                if (!(item instanceof JsonTree.Str sentence)) {
                    report.skip(file, item.line(), "video '" + id + "', sentence " + s + ": expected a string, found "
                            + item.kind());
                    continue;
                }
                if (sentence.value().isEmpty()) {
                    report.skip(file, item.line(), "video '" + id + "', sentence " + s + ": empty");
                    continue;
                }
                grouper.add(id, sentence.value(), item.line());
                report.accepted(file);
            }
        }
        return grouper.build(file, report);
    }

    private static Captions readMsrvttLayout(String file, JsonTree.Obj root, ParseReport report) {
        for (JsonTree.Duplicate duplicate : root.duplicates()) {
            if (duplicate.name().equals("sentences") || duplicate.name().equals("videos")) {
                throw new DatasetFormatException(file, duplicate.line(), "the key '" + duplicate.name()
                        + "' appears twice in the top-level object");
            }
        }
        Grouper grouper = new Grouper();
        JsonTree.Node videosNode = root.fields().get("videos");
        boolean videosListed = videosNode != null;
        if (videosListed) {
            if (!(videosNode instanceof JsonTree.Arr videos)) {
                throw new DatasetFormatException(file, videosNode.line(), "'videos' must be an array of objects with"
                        + " a 'video_id', found " + videosNode.kind());
            }
            Map<String, Integer> seen = new HashMap<>();
            for (JsonTree.Node item : videos.items()) {
                String id = stringField(item, "video_id");
                if (id == null || id.isEmpty()) {
                    report.skip(file, item.line(), "expected an object with a non-empty string 'video_id' in"
                            + " 'videos', found " + describe(item, "video_id"));
                    continue;
                }
                Integer first = seen.putIfAbsent(id, item.line());
                if (first != null) {
                    report.skip(file, item.line(), "video '" + id + "' is listed again in 'videos' (first on line "
                            + first + ")");
                    continue;
                }
                grouper.declare(id, item.line());
            }
        }
        JsonTree.Arr sentences = (JsonTree.Arr) root.fields().get("sentences");
        for (JsonTree.Node item : sentences.items()) {
            String id = stringField(item, "video_id");
            String caption = stringField(item, "caption");
            if (id == null || id.isEmpty()) {
                report.skip(file, item.line(), "expected a sentence object with a non-empty string 'video_id', found "
                        + describe(item, "video_id"));
                continue;
            }
            if (caption == null || caption.isEmpty()) {
                report.skip(file, item.line(), "expected a sentence object with a non-empty string 'caption' for"
                        + " video '" + id + "', found " + describe(item, "caption"));
                continue;
            }
            if (videosListed && !grouper.declared(id)) {
                report.skip(file, item.line(), "sentence for video '" + id + "', which is not in 'videos'");
                continue;
            }
            grouper.add(id, caption, item.line());
            report.accepted(file);
        }
        return grouper.build(file, report);
    }

    private static Captions readMapLayout(String file, JsonTree.Obj root, ParseReport report) {
        for (JsonTree.Duplicate duplicate : root.duplicates()) {
            report.skip(file, duplicate.line(), "video '" + duplicate.name() + "' appears again (first on line "
                    + root.fieldLines().get(duplicate.name()) + "); only the first is kept");
        }
        if (root.fields().isEmpty()) {
            throw new DatasetFormatException(file, root.line(), "empty object: expected {\"video_id\": [captions]}"
                    + " or {\"sentences\": [...]}");
        }
        Grouper grouper = new Grouper();
        for (Map.Entry<String, JsonTree.Node> field : root.fields().entrySet()) {
            String id = field.getKey();
            int idLine = root.fieldLines().get(id);
            JsonTree.Node value = field.getValue();
            if (id.isEmpty()) {
                report.skip(file, idLine, "empty video id");
                continue;
            }
            if (value instanceof JsonTree.Str single) {
                if (single.value().isEmpty()) {
                    report.skip(file, single.line(), "empty caption for video '" + id + "'");
                    continue;
                }
                grouper.add(id, single.value(), single.line());
                report.accepted(file);
                continue;
            }
            if (!(value instanceof JsonTree.Arr list)) {
                report.skip(file, value.line(), "expected an array of captions for video '" + id + "', found "
                        + value.kind());
                continue;
            }
            grouper.declare(id, idLine);
            for (JsonTree.Node item : list.items()) {
                String text = captionText(item);
                if (text == null) {
                    report.skip(file, item.line(), "expected a caption (a string or an array of words) for video '"
                            + id + "', found " + item.kind());
                    continue;
                }
                if (text.isEmpty()) {
                    report.skip(file, item.line(), "empty caption for video '" + id + "'");
                    continue;
                }
                grouper.add(id, text, item.line());
                report.accepted(file);
            }
        }
        return grouper.build(file, report);
    }

    /** A caption string, or a token list joined with spaces (CenterCLIP: {@code " ".join(cap)}); else null. */
    private static String captionText(JsonTree.Node node) {
        if (node instanceof JsonTree.Str s) {
            return s.value();
        }
        if (node instanceof JsonTree.Arr words) {
            StringBuilder text = new StringBuilder();
            for (JsonTree.Node word : words.items()) {
                if (!(word instanceof JsonTree.Str w)) {
                    return null;
                }
                if (text.length() > 0) {
                    text.append(' ');
                }
                text.append(w.value());
            }
            return text.toString();
        }
        return null;
    }

    private static String stringField(JsonTree.Node node, String name) {
        if (node instanceof JsonTree.Obj object && object.fields().get(name) instanceof JsonTree.Str s) {
            return s.value();
        }
        return null;
    }

    private static String describe(JsonTree.Node node, String name) {
        if (!(node instanceof JsonTree.Obj object)) {
            return node.kind();
        }
        JsonTree.Node field = object.fields().get(name);
        if (field == null) {
            return "no '" + name + "'";
        }
        return field instanceof JsonTree.Str ? "an empty '" + name + "'" : "'" + name + "' as " + field.kind();
    }

    // ---------------------------------------------------------------------------------------------- text

    /** Reads {@code video_id caption words...} lines (MSVD {@code AllVideoDescriptions.txt}). */
    public static Captions readText(Path file, ParseReport report) {
        return parseText(file.toString(), TextFiles.read(file), report);
    }

    /** Parses caption text lines already in memory; {@code fileName} is used in messages. */
    public static Captions parseText(String fileName, String text, ParseReport report) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Grouper grouper = new Grouper();
        TextFiles.Lines lines = new TextFiles.Lines(text);
        while (lines.hasNext()) {
            String line = TextFiles.strip(lines.take());
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && !TextFiles.isSpace(line.charAt(end))) {
                end++;
            }
            String id = line.substring(0, end);
            String caption = TextFiles.strip(line.substring(end));
            if (caption.isEmpty()) {
                report.skip(fileName, lines.number(), "expected 'video_id caption words...', found only the video id '"
                        + id + "'");
                continue;
            }
            grouper.add(id, caption, lines.number());
            report.accepted(fileName);
        }
        if (lines.number() == 0) {
            throw new DatasetFormatException(fileName, 0, "empty file: expected 'video_id caption words...' lines");
        }
        return grouper.build(fileName, report);
    }

    // ---------------------------------------------------------------------------------------------- selecting

    /**
     * The videos named in a split list (MSVD {@code train_list.txt} / {@code val_list.txt} / {@code test_list.txt}:
     * one video id per line, stripped), in the list's order, which then is the evaluation order (CenterCLIP
     * {@code MSVD_DataLoader}). A blank line, an id without captions here, or an id listed twice is a problem of
     * that line (the reference asserts {@code video_id in captions}).
     */
    public Captions selectListed(Path idList, ParseReport report) {
        String file = idList.toString();
        TextFiles.Lines lines = new TextFiles.Lines(TextFiles.read(idList));
        List<VideoCaptions> selected = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        while (lines.hasNext()) {
            String id = TextFiles.strip(lines.take());
            int number = lines.number();
            if (id.isEmpty()) {
                report.skip(file, number, "blank line: expected one video id per line");
                continue;
            }
            Integer index = indexById.get(id);
            if (index == null) {
                report.skip(file, number, "video '" + id + "' has no captions in " + source);
                continue;
            }
            Integer first = seen.putIfAbsent(id, number);
            if (first != null) {
                report.skip(file, number, "video '" + id + "' is listed again (first on line " + first + ")");
                continue;
            }
            selected.add(videos.get(index));
            report.accepted(file);
        }
        if (selected.isEmpty()) {
            throw new DatasetFormatException(file, 0, lines.number() == 0 ? "empty file: expected one video id per"
                    + " line" : "no listed video has captions in " + source);
        }
        return new Captions(source + " [" + file + "]", selected);
    }

    /**
     * The given videos in the given order.
     *
     * @throws IllegalArgumentException for an id without captions here, or listed twice
     */
    public Captions select(List<String> videoIds) {
        List<VideoCaptions> selected = new ArrayList<>();
        for (String id : videoIds) {
            Integer index = indexById.get(id);
            if (index == null) {
                throw new IllegalArgumentException("video '" + id + "' has no captions in " + source);
            }
            selected.add(videos.get(index));
        }
        return new Captions(source, selected);
    }

    /**
     * Paragraph captions, as CLIP4Clip and CenterCLIP evaluate DiDeMo and ActivityNet Captions: the sentences of each
     * video joined with one space, in order, into its only caption ({@code " ".join(sentences)}, nothing stripped).
     * A caption's line is that of the video's first sentence.
     */
    public Captions asParagraphs() {
        List<VideoCaptions> paragraphs = new ArrayList<>(videos.size());
        for (VideoCaptions video : videos) {
            String text = String.join(" ", video.captions().stream().map(Caption::text).toList());
            paragraphs.add(new VideoCaptions(video.videoId(), List.of(new Caption(text,
                    video.captions().get(0).line())), video.line()));
        }
        return new Captions(source, paragraphs);
    }

    // ---------------------------------------------------------------------------------------------- views

    /** The file read, or the name given when built in memory. */
    public String source() {
        return source;
    }

    public List<VideoCaptions> videos() {
        return videos;
    }

    public int videoCount() {
        return videos.size();
    }

    public int captionCount() {
        int count = 0;
        for (VideoCaptions video : videos) {
            count += video.size();
        }
        return count;
    }

    public List<String> videoIds() {
        List<String> ids = new ArrayList<>(videos.size());
        videos.forEach(v -> ids.add(v.videoId()));
        return ids;
    }

    /** Index of a video, or -1. */
    public int indexOf(String videoId) {
        return indexById.getOrDefault(videoId, -1);
    }

    /** All captions, grouped by video in video order (the text side of the similarity matrix). */
    public List<String> captionTexts() {
        List<String> texts = new ArrayList<>(captionCount());
        videos.forEach(v -> v.captions().forEach(c -> texts.add(c.text())));
        return texts;
    }

    /** For each caption of {@link #captionTexts()}, the index of its video (the retrieval ground truth). */
    public int[] captionToVideo() {
        int[] map = new int[captionCount()];
        int k = 0;
        for (int v = 0; v < videos.size(); v++) {
            for (int c = 0; c < videos.get(v).size(); c++) {
                map[k++] = v;
            }
        }
        return map;
    }

    /** Captions of each video ({@code captions_per_video} of the metrics fixture). */
    public int[] captionsPerVideo() {
        int[] counts = new int[videos.size()];
        for (int v = 0; v < counts.length; v++) {
            counts[v] = videos.get(v).size();
        }
        return counts;
    }

    /**
     * CLIP4Clip / CenterCLIP {@code cut_off_points}: the number of captions up to and including each video
     * (exclusive end of its caption block in {@link #captionTexts()}).
     */
    public int[] cutOffPoints() {
        int[] ends = new int[videos.size()];
        int total = 0;
        for (int v = 0; v < ends.length; v++) {
            total += videos.get(v).size();
            ends[v] = total;
        }
        return ends;
    }

    /** True when every video has exactly one caption (the square, single-caption retrieval case). */
    public boolean isSingleCaption() {
        return videos.stream().allMatch(v -> v.size() == 1);
    }

    // ---------------------------------------------------------------------------------------------- writing

    /** CSV {@code video_id,sentence}, one row per caption in the grouped order. */
    public String toCsv() {
        StringBuilder out = new StringBuilder("video_id,sentence\n");
        for (VideoCaptions video : videos) {
            for (Caption caption : video.captions()) {
                out.append(Csv.formatRecord(List.of(video.videoId(), caption.text()))).append('\n');
            }
        }
        return out.toString();
    }

    public void writeCsv(Path file) {
        AtomicFiles.write(file, toCsv().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code msrvtt_data.json} layout: {@code {"videos": [{"video_id", "id"}], "sentences": [{"caption",
     * "video_id", "sen_id"}]}}, pretty-printed one field per line.
     */
    public String toMsrvttJson() {
        return json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("videos");
            for (int v = 0; v < videos.size(); v++) {
                g.writeStartObject();
                g.writeStringField("video_id", videos.get(v).videoId());
                g.writeNumberField("id", v);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("sentences");
            int sentence = 0;
            for (VideoCaptions video : videos) {
                for (Caption caption : video.captions()) {
                    g.writeStartObject();
                    g.writeStringField("caption", caption.text());
                    g.writeStringField("video_id", video.videoId());
                    g.writeNumberField("sen_id", sentence++);
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    public void writeMsrvttJson(Path file) {
        AtomicFiles.write(file, toMsrvttJson().getBytes(StandardCharsets.UTF_8));
    }

    /** Map layout {@code {"video_id": ["caption", ...]}}, pretty-printed one caption per line. */
    public String toJsonMap() {
        return json(g -> {
            g.writeStartObject();
            for (VideoCaptions video : videos) {
                g.writeArrayFieldStart(video.videoId());
                for (Caption caption : video.captions()) {
                    g.writeString(caption.text());
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        });
    }

    public void writeJsonMap(Path file) {
        AtomicFiles.write(file, toJsonMap().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Text lines {@code video_id caption}.
     *
     * @throws IllegalArgumentException when a video id or caption could not be read back from that format (id with
     *                                  whitespace or starting with {@code #}; caption with a line break or
     *                                  surrounding whitespace)
     */
    public String toText() {
        StringBuilder out = new StringBuilder();
        for (VideoCaptions video : videos) {
            String id = video.videoId();
            if (TextFiles.containsSpace(id) || id.startsWith("#")) {
                throw new IllegalArgumentException("video id '" + id + "' cannot be written as text lines (it"
                        + " contains whitespace or starts with '#')");
            }
            for (Caption caption : video.captions()) {
                String text = caption.text();
                if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 || !TextFiles.strip(text).equals(text)) {
                    throw new IllegalArgumentException("caption of video '" + id + "' cannot be written as a text"
                            + " line (line break or surrounding whitespace): " + text);
                }
                out.append(id).append(' ').append(text).append('\n');
            }
        }
        return out.toString();
    }

    public void writeText(Path file) {
        AtomicFiles.write(file, toText().getBytes(StandardCharsets.UTF_8));
    }

    private interface JsonBody {
        void write(JsonGenerator generator) throws IOException;
    }

    private static String json(JsonBody body) {
        StringWriter out = new StringWriter();
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
                .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
        try (JsonGenerator generator = new JsonFactory().createGenerator(out)) {
            generator.setPrettyPrinter(printer);
            body.write(generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out + "\n";
    }

    @Override
    public String toString() {
        return "Captions[" + source + ", " + videoCount() + " videos, " + captionCount() + " captions]";
    }
}

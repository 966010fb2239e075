package dev.vclip.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Texts about videos with the attributes each one names, for training where a text may fit several videos of a
 * batch ("a red shape" fits every red clip) and for hard negatives (a caption that differs from its video in one
 * attribute). A video has tags ({@code colour:red}, {@code shape:circle}, {@code action:moving left}); a text has the
 * tags it asserts; a text fits a video when its tags are a subset of the video's. A text without tags says nothing
 * checkable: it fits only the video it is listed for ({@link #fits} is false for every video), which is plain CLIP
 * contrastive learning; a hard negative must have tags.
 *
 * <p>File format (JSON lines, one video per line; {@code vclip synth} writes {@code retrieval/texts.jsonl}):
 * <pre>{"video_id": "moving_left_000", "tags": ["colour:red", ...],
 *  "texts": [{"text": "a red circle moving left", "tags": [...]}, ...],
 *  "negatives": [{"text": "a blue circle moving left", "tags": [...]}, ...]}</pre>
 * Blank lines are skipped; every problem is reported with file and line.
 */
public final class TaggedTexts {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One text and the tags it asserts. */
    public record Text(String text, Set<String> tags) {
        public Text {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("empty text");
            }
            tags = Set.copyOf(tags);
        }

        /** Whether this text is true of a video with {@code videoTags}: it has tags, and the video has them all. */
        public boolean fits(Set<String> videoTags) {
            return !tags.isEmpty() && videoTags.containsAll(tags);
        }
    }

    /** One video's tags, the texts true of it and texts that are not (hard negatives). */
    public record Video(String id, Set<String> tags, List<Text> texts, List<Text> negatives) {
        public Video {
            tags = Set.copyOf(tags);
            texts = List.copyOf(texts);
            negatives = List.copyOf(negatives);
        }
    }

    private final Map<String, Video> videos;

    private TaggedTexts(Map<String, Video> videos) {
        this.videos = videos;
    }

    public static TaggedTexts of(Collection<Video> videos) {
        Map<String, Video> map = new LinkedHashMap<>();
        videos.forEach(v -> map.put(v.id(), v));
        return new TaggedTexts(map);
    }

    /** The video, or null when the file has none of that id. */
    public Video get(String id) {
        return videos.get(id);
    }

    public Collection<Video> videos() {
        return videos.values();
    }

    public int size() {
        return videos.size();
    }

    /** Reads a JSON-lines file. */
    public static TaggedTexts read(Path file) {
        String name = file.toString();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException(name, 0, "no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read: " + e.getMessage(), e);
        }
        Map<String, Video> map = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int number = i + 1;
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new DatasetFormatException(name, number, "not JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new DatasetFormatException(name, number, "expected a JSON object per line");
            }
            String id = node.path("video_id").asText("");
            if (id.isEmpty()) {
                throw new DatasetFormatException(name, number, "no \"video_id\"");
            }
            if (map.containsKey(id)) {
                throw new DatasetFormatException(name, number, "video '" + id + "' is listed twice");
            }
            Set<String> tags = tags(node.get("tags"), name, number, "tags");
            List<Text> texts = texts(node.get("texts"), name, number, "texts");
            List<Text> negatives = node.has("negatives") ? texts(node.get("negatives"), name, number, "negatives")
                    : List.of();
            if (texts.isEmpty()) {
                throw new DatasetFormatException(name, number, "video '" + id + "' has no texts");
            }
            for (Text t : texts) {
                if (!t.tags().isEmpty() && !t.fits(tags)) {
                    throw new DatasetFormatException(name, number, "text '" + t.text() + "' has tags " + t.tags()
                            + " that video '" + id + "' lacks (" + tags + ")");
                }
            }
            for (Text t : negatives) {
                if (t.tags().isEmpty()) {
                    throw new DatasetFormatException(name, number, "negative '" + t.text() + "' has no tags: a hard "
                            + "negative must say which attribute it gets wrong");
                }
                if (t.fits(tags)) {
                    throw new DatasetFormatException(name, number, "negative '" + t.text() + "' fits video '" + id
                            + "' (its tags " + t.tags() + " are all the video's)");
                }
            }
            map.put(id, new Video(id, tags, texts, negatives));
        }
        return new TaggedTexts(map);
    }

    private static Set<String> tags(JsonNode node, String file, int line, String field) {
        if (node == null || node.isNull()) {
            return Set.of();
        }
        if (!node.isArray()) {
            throw new DatasetFormatException(file, line, "\"" + field + "\" must be a list of strings");
        }
        Set<String> out = new TreeSet<>();
        for (JsonNode t : node) {
            if (!t.isTextual() || t.asText().isBlank()) {
                throw new DatasetFormatException(file, line, "\"" + field + "\" must be a list of non-empty strings");
            }
            out.add(t.asText());
        }
        return out;
    }

    private static List<Text> texts(JsonNode node, String file, int line, String field) {
        if (node == null || !node.isArray()) {
            throw new DatasetFormatException(file, line, "\"" + field + "\" must be a list of {\"text\", \"tags\"}");
        }
        List<Text> out = new ArrayList<>();
        for (JsonNode t : node) {
            String text = t.path("text").asText("");
            if (text.isBlank()) {
                throw new DatasetFormatException(file, line, "an entry of \"" + field + "\" has no \"text\"");
            }
            out.add(new Text(text, tags(t.get("tags"), file, line, field + "[].tags")));
        }
        return out;
    }

    /** Writes the file atomically. */
    public void write(Path file) {
        StringBuilder out = new StringBuilder();
        for (Video v : videos.values()) {
            ObjectNode o = JSON.createObjectNode();
            o.put("video_id", v.id());
            o.set("tags", tagArray(v.tags()));
            o.set("texts", textArray(v.texts()));
            o.set("negatives", textArray(v.negatives()));
            out.append(o).append('\n');
        }
        AtomicFiles.write(file, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static ArrayNode tagArray(Set<String> tags) {
        ArrayNode a = JSON.createArrayNode();
        new TreeSet<>(tags).forEach(a::add);
        return a;
    }

    private static ArrayNode textArray(List<Text> texts) {
        ArrayNode a = JSON.createArrayNode();
        for (Text t : texts) {
            ObjectNode o = a.addObject();
            o.put("text", t.text());
            o.set("tags", tagArray(t.tags()));
        }
        return a;
    }
}

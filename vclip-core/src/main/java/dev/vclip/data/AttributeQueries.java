package dev.vclip.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Attribute queries for text-to-video retrieval ({@code retrieval/attribute_queries.json}, written by
 * {@code vclip synth}): the tags of each test clip ({@code colour:red}, {@code shape:circle},
 * {@code action:moving left}) and queries ("a red shape", "a shape moving up", "a blue star growing") with the tags a
 * clip needs to count as a hit, grouped by kind.
 * <pre>{"clips": {"moving_left_200": ["action:moving left", "colour:red", "shape:circle"], ...},
 *  "queries": [{"kind": "colour", "text": "a red shape", "tags": ["colour:red"]}, ...]}</pre>
 */
public record AttributeQueries(Map<String, Set<String>> clipTags, List<Query> queries) {

    /** One query: its kind ("colour", "colour+shape+motion"), text and required tags. */
    public record Query(String kind, String text, Set<String> tags) {
        public Query {
            tags = Set.copyOf(tags);
        }
    }

    public AttributeQueries {
        clipTags = Map.copyOf(clipTags);
        queries = List.copyOf(queries);
    }

    public static AttributeQueries read(Path file) {
        String name = file.toString();
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException(name, 0, "no such file");
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException(name, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.path("clips").isObject() || !root.path("queries").isArray()) {
            throw new DatasetFormatException(name, 0, "expected {\"clips\": {id: [tags]}, \"queries\": [...]}");
        }
        Map<String, Set<String>> clips = new LinkedHashMap<>();
        var fields = root.get("clips").fields();
        while (fields.hasNext()) {
            var e = fields.next();
            clips.put(e.getKey(), tags(e.getValue(), name, "clips." + e.getKey()));
        }
        List<Query> queries = new ArrayList<>();
        int i = 0;
        for (JsonNode q : root.get("queries")) {
            String where = "queries[" + i++ + "]";
            String text = q.path("text").asText("");
            String kind = q.path("kind").asText("");
            if (text.isBlank() || kind.isBlank()) {
                throw new DatasetFormatException(name, 0, where + ": needs \"kind\" and \"text\"");
            }
            Set<String> tags = tags(q.get("tags"), name, where + ".tags");
            if (tags.isEmpty()) {
                throw new DatasetFormatException(name, 0, where + ": \"tags\" is empty");
            }
            queries.add(new Query(kind, text, tags));
        }
        return new AttributeQueries(clips, queries);
    }

    private static Set<String> tags(JsonNode node, String file, String where) {
        if (node == null || !node.isArray()) {
            throw new DatasetFormatException(file, 0, where + ": expected a list of tags");
        }
        Set<String> out = new TreeSet<>();
        node.forEach(t -> out.add(t.asText()));
        return out;
    }
}

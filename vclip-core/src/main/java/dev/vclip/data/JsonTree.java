package dev.vclip.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON tree that remembers the line where every value starts, so that caption files in JSON can be
 * checked with the same {@code file:line:} messages as the text formats. Jackson's own tree drops locations.
 */
final class JsonTree {
    private JsonTree() {
    }

    /** A JSON value and the 1-based line where it starts. */
    sealed interface Node permits Obj, Arr, Str, Other {
        int line();

        /** "an object", "an array", "a string", "a number", ... for messages. */
        String kind();
    }

    /** A field name that occurs again in the same object (the first occurrence is the one kept). */
    record Duplicate(String name, int line) {
    }

    /** An object; fields keep their order, with the line of each name. Repeated names are in {@code duplicates}. */
    record Obj(int line, Map<String, Node> fields, Map<String, Integer> fieldLines, List<Duplicate> duplicates)
            implements Node {
        public String kind() {
            return "an object";
        }
    }

    record Arr(int line, List<Node> items) implements Node {
        public String kind() {
            return "an array";
        }
    }

    record Str(int line, String value) implements Node {
        public String kind() {
            return "a string";
        }
    }

    /** A number, boolean or null, kept as its JSON text. */
    record Other(int line, String kind, String text) implements Node {
    }

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** Parses a whole file; syntax errors become {@link DatasetFormatException} with Jackson's line. */
    static Node read(Path file) {
        String name = file.toString();
        try (InputStream in = Files.newInputStream(file); JsonParser parser = FACTORY.createParser(in)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new DatasetFormatException(name, 0, "empty file: expected a JSON object");
            }
            Node root = value(parser);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new DatasetFormatException(name, line(parser),
                        "unexpected content after the end of the top-level JSON value");
            }
            return root;
        } catch (StreamReadException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new DatasetFormatException(name, Math.max(line, 0), "invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    /** Reads the value whose first token is current. */
    private static Node value(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        int line = line(parser);
        switch (token) {
            case START_OBJECT: {
                Map<String, Node> fields = new LinkedHashMap<>();
                Map<String, Integer> fieldLines = new LinkedHashMap<>();
                List<Duplicate> duplicates = new ArrayList<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    int nameLine = line(parser);
                    parser.nextToken();
                    Node child = value(parser);
                    if (fields.containsKey(name)) {
                        duplicates.add(new Duplicate(name, nameLine));
                    } else {
                        fields.put(name, child);
                        fieldLines.put(name, nameLine);
                    }
                }
                return new Obj(line, fields, fieldLines, duplicates);
            }
            case START_ARRAY: {
                List<Node> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(value(parser));
                }
                return new Arr(line, items);
            }
            case VALUE_STRING:
                return new Str(line, parser.getText());
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new Other(line, "a number", parser.getText());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Other(line, "a boolean", parser.getText());
            case VALUE_NULL:
                return new Other(line, "null", "null");
            default:
                throw new JsonParseException(parser, "unexpected token " + token);
        }
    }
}

package dev.vclip.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.tokenizer.TokenizerException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Golden tokenizer cases ({@code cases.jsonl}, one JSON object per line, layout in the fixture README) and a
 * check of a {@link ClipTokenizer} against them. Used by the unit tests and by {@code vclip tokenize --verify}.
 *
 * <p>Every case is checked on all four fields, exactly: {@code ids}, {@code context77_openai},
 * {@code context77_hf} and {@code attention_mask_hf}. Cases with {@code hf_differs} are checked like the
 * others: their expected values are defined by the openai pipeline, which is what {@link ClipTokenizer} is.
 */
public final class TokenizerCases {

    private TokenizerCases() {}

    /** One line of cases.jsonl. {@code line} is 1-based, for messages. */
    public record Case(int line, String category, String text, int[] ids, int[] contextOpenai, int[] contextHf,
            int[] attentionMaskHf, boolean hfDiffers, String hfDiffersReason) {

        /** Context length the framed fields were made with (77 in the shared fixtures). */
        public int contextLength() {
            return contextOpenai.length;
        }

        /** {@code [category] text}, invisible characters written as backslash-u escapes to keep names readable. */
        public String displayName() {
            return "[" + category + "] " + visible(text, 80);
        }
    }

    /** The outcome for one case; {@code message} says what differed, or is "ok". */
    public record Result(Case testCase, boolean passed, String message) implements CheckReport.Outcome {}

    /** All outcomes of one verification run. */
    public record Report(List<Result> results) implements CheckReport<Result> {}

    // ---------------------------------------------------------------------------------------------------------
    // Reading

    public static List<Case> read(Path casesJsonl) {
        try (InputStream in = Files.newInputStream(casesJsonl)) {
            return read(in, casesJsonl.toString());
        } catch (NoSuchFileException e) {
            throw new TokenizerException("tokenizer cases file not found: " + casesJsonl, e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read tokenizer cases file " + casesJsonl + ": " + e.getMessage(), e);
        }
    }

    public static List<Case> read(InputStream casesJsonl, String sourceName) throws IOException {
        ObjectMapper json = new ObjectMapper();
        BufferedReader reader = new BufferedReader(new InputStreamReader(casesJsonl, StandardCharsets.UTF_8));
        List<Case> cases = new ArrayList<>();
        String line;
        int lineNumber = 0;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String where = sourceName + ", line " + lineNumber;
            JsonNode node;
            try {
                node = json.readTree(line);
            } catch (JsonProcessingException e) {
                throw new TokenizerException(where + ": not valid JSON: " + e.getOriginalMessage(), e);
            }
            cases.add(new Case(lineNumber,
                    node.path("category").asText("uncategorised"),
                    requiredText(node, "text", where),
                    requiredInts(node, "ids", where),
                    requiredInts(node, "context77_openai", where),
                    requiredInts(node, "context77_hf", where),
                    requiredInts(node, "attention_mask_hf", where),
                    node.path("hf_differs").asBoolean(false),
                    node.path("hf_differs_reason").asText("")));
        }
        return cases;
    }

    private static String requiredText(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new TokenizerException(where + ": field \"" + field + "\" is missing or not a string");
        }
        return value.textValue();
    }

    private static int[] requiredInts(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new TokenizerException(where + ": field \"" + field + "\" is missing or not an array");
        }
        int[] ints = new int[value.size()];
        for (int i = 0; i < ints.length; i++) {
            if (!value.get(i).canConvertToInt()) {
                throw new TokenizerException(where + ": " + field + "[" + i + "] is not an integer");
            }
            ints[i] = value.get(i).intValue();
        }
        return ints;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Checking

    public static Report verify(ClipTokenizer tokenizer, Path casesJsonl) {
        return verify(tokenizer, read(casesJsonl));
    }

    public static Report verify(ClipTokenizer tokenizer, List<Case> cases) {
        List<Result> results = new ArrayList<>(cases.size());
        for (Case testCase : cases) {
            results.add(check(tokenizer, testCase));
        }
        return new Report(List.copyOf(results));
    }

    /** Checks all four fields of one case; the message names the first field that differs and where. */
    public static Result check(ClipTokenizer tokenizer, Case testCase) {
        try {
            int[] ids = tokenizer.encode(testCase.text());
            String problem = difference("ids", testCase.ids(), ids);
            if (problem == null) {
                ClipTokenizer.Encoding openai = tokenizer.encode(List.of(testCase.text()),
                        testCase.contextLength(), ClipTokenizer.Framing.OPENAI);
                problem = difference("context77_openai", testCase.contextOpenai(), toInts(openai.inputIds()[0]));
            }
            if (problem == null) {
                ClipTokenizer.Encoding hf = tokenizer.encode(List.of(testCase.text()),
                        testCase.contextHf().length, ClipTokenizer.Framing.HF);
                problem = difference("context77_hf", testCase.contextHf(), toInts(hf.inputIds()[0]));
                if (problem == null) {
                    problem = difference("attention_mask_hf", testCase.attentionMaskHf(),
                            toInts(hf.attentionMask()[0]));
                }
            }
            return problem == null
                    ? new Result(testCase, true, "ok")
                    : new Result(testCase, false, "line " + testCase.line() + " " + testCase.displayName()
                            + ": " + problem);
        } catch (RuntimeException e) {
            return new Result(testCase, false, "line " + testCase.line() + " " + testCase.displayName()
                    + ": threw " + e);
        }
    }

    private static String difference(String field, int[] expected, int[] actual) {
        if (Arrays.equals(expected, actual)) {
            return null;
        }
        int at = Arrays.mismatch(expected, actual);
        return field + " differ at index " + at + " (expected " + elementAt(expected, at) + ", got "
                + elementAt(actual, at) + "; lengths " + expected.length + " and " + actual.length + ")\n"
                + "  expected " + Arrays.toString(expected) + "\n  actual   " + Arrays.toString(actual);
    }

    private static String elementAt(int[] values, int index) {
        return index < values.length ? String.valueOf(values[index]) : "nothing";
    }

    private static int[] toInts(long[] values) {
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            ints[i] = Math.toIntExact(values[i]);
        }
        return ints;
    }

    /**
     * Writes control, format, separator, combining, private-use and unassigned characters as backslash-u escapes
     * (one per UTF-16 unit); cuts after maxLength chars.
     */
    static String visible(String text, int maxLength) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < maxLength; ) {
            int codePoint = text.codePointAt(i);
            int type = Character.getType(codePoint);
            boolean invisible = codePoint != ' ' && (Character.isWhitespace(codePoint)
                    || Character.isSpaceChar(codePoint)
                    || type == Character.CONTROL || type == Character.FORMAT
                    || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                    || type == Character.UNASSIGNED || type == Character.SURROGATE
                    || type == Character.PRIVATE_USE);
            if (invisible) {
                for (char unit : Character.toChars(codePoint)) {
                    out.append(String.format("\\u%04X", (int) unit));
                }
            } else {
                out.appendCodePoint(codePoint);
            }
            i += Character.charCount(codePoint);
        }
        if (out.length() >= maxLength) {
            out.append("...");
        }
        return out.toString();
    }
}

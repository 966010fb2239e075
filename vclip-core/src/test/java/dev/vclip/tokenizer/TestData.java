package dev.vclip.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Test resources under src/test/resources/tokenizer/, and the tokenizers built from them (loaded once). */
final class TestData {

    private TestData() {}

    static Path resource(String name) {
        URL url = TestData.class.getResource("/tokenizer/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource tokenizer/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tokenizer built from the HF layout (vocab.json + merges.txt). */
    static ClipTokenizer hfTokenizer() {
        return HfHolder.TOKENIZER;
    }

    /** The tokenizer built from the bundled openai .gz. */
    static ClipTokenizer bundledTokenizer() {
        return ClipTokenizer.openaiDefault();
    }

    /**
     * The text and ids of a golden case of cases.jsonl; the whole case (the framed fields too) is checked by
     * {@code dev.vclip.verify.TokenizerCases} and its tests in vclip-cli.
     */
    record FixtureCase(int line, String text, int[] ids) {
        /** For messages: {@code line N <text>}. */
        String displayName() {
            return "line " + line + " " + escaped(text, 80);
        }
    }

    static List<FixtureCase> fixtureCases() {
        return CasesHolder.CASES;
    }

    /** For failure messages: every char outside printable ASCII as a backslash-u escape; cut after maxLength chars. */
    static String escaped(String text, int maxLength) {
        return text.chars().limit(maxLength)
                .mapToObj(c -> c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                        : String.format(Locale.ROOT, "\\u%04X", c))
                .collect(Collectors.joining());
    }

    private static final class HfHolder {
        static final ClipTokenizer TOKENIZER =
                ClipTokenizer.fromHfFiles(resource("vocab.json"), resource("merges.txt"));
    }

    private static final class CasesHolder {
        static final List<FixtureCase> CASES = read(resource("cases.jsonl"));

        private static List<FixtureCase> read(Path file) {
            ObjectMapper json = new ObjectMapper();
            List<FixtureCase> cases = new ArrayList<>();
            try {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (!lines.get(i).isBlank()) {
                        JsonNode node = json.readTree(lines.get(i));
                        cases.add(new FixtureCase(i + 1, node.get("text").textValue(),
                                json.convertValue(node.get("ids"), int[].class)));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return List.copyOf(cases);
        }
    }
}

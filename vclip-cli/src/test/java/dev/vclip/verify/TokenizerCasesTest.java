package dev.vclip.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.tokenizer.TokenizerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerCasesTest {

    private static String caseLine(String text, String ids, String openai, String hf, String mask) {
        return "{\"text\": \"" + text + "\", \"ids\": " + ids + ", \"context77_openai\": " + openai
                + ", \"context77_hf\": " + hf + ", \"attention_mask_hf\": " + mask
                + ", \"hf_differs\": false, \"category\": \"caption\"}";
    }

    @Test
    void readsFieldsAndNamesCasesByCategoryAndText() {
        TokenizerCases.Case first = ClipTokenizerFixtureTest.cases().get(0);
        assertEquals(1, first.line());
        assertEquals("caption", first.category());
        assertEquals("a photo of a cat", first.text());
        assertEquals("[caption] a photo of a cat", first.displayName());
        assertEquals(77, first.contextLength());
    }

    @Test
    void invisibleCharactersAreEscapedInNames() {
        assertEquals("a\\u200Bb\\u0000\\u000A\\u0301\\uDB80\\uDC00x",
                TokenizerCases.visible("a\u200Bb\u0000\n\u0301\uDB80\uDC00x", 80), "U+F0000 is private use");
        assertEquals("é😀", TokenizerCases.visible("é😀", 80));
    }

    @Test
    void reportsWhichFieldDiffersAndWhere(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("cases.jsonl"), String.join("\n",
                caseLine("a cat", "[320, 2368]", "[49406, 320, 2368, 49407, 0]", "[49406, 320, 2368, 49407, 49407]",
                        "[1, 1, 1, 1, 0]"),
                "",
                caseLine("a cat", "[320, 2368]", "[49406, 320, 2368, 49407, 0]", "[49406, 320, 2368, 49407, 0]",
                        "[1, 1, 1, 1, 0]"),
                caseLine("a dog", "[320, 2368]", "[49406, 320, 2368, 49407, 0]", "[49406, 320, 2368, 49407, 49407]",
                        "[1, 1, 1, 1, 0]")));
        TokenizerCases.Report report = TokenizerCases.verify(ClipTokenizer.openaiDefault(), file);
        assertEquals("1 passed, 2 failed", report.summary());
        List<TokenizerCases.Result> failures = report.failures();
        assertTrue(failures.get(0).message().startsWith("line 3 [caption] a cat: context77_hf differ at index 4"),
                failures.get(0).message());
        assertTrue(failures.get(1).message().startsWith("line 4 [caption] a dog: ids differ at index 1"),
                failures.get(1).message());
        assertFalse(failures.get(1).passed());
    }

    @Test
    void brokenLinesNameTheFileAndLine(@TempDir Path dir) throws IOException {
        Path notJson = Files.writeString(dir.resolve("a.jsonl"), "{\"text\": ");
        TokenizerException error = assertThrows(TokenizerException.class, () -> TokenizerCases.read(notJson));
        assertTrue(error.getMessage().startsWith(notJson + ", line 1: not valid JSON"), error.getMessage());

        Path missingField = Files.writeString(dir.resolve("b.jsonl"), "{\"text\": \"x\", \"ids\": [1]}\n");
        error = assertThrows(TokenizerException.class, () -> TokenizerCases.read(missingField));
        assertTrue(error.getMessage().contains(missingField + ", line 1: field \"context77_openai\""),
                error.getMessage());

        Path missingFile = dir.resolve("none.jsonl");
        error = assertThrows(TokenizerException.class, () -> TokenizerCases.read(missingFile));
        assertTrue(error.getMessage().contains(missingFile.toString()), error.getMessage());
    }
}

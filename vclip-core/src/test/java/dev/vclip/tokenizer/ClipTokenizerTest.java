package dev.vclip.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClipTokenizerTest {

    private final ClipTokenizer tokenizer = TestData.bundledTokenizer();

    // ----------------------------------------------------------------------------------------------------
    // public anchors

    @Test
    void resumeGivesTheIdsOfTransformersIssue19118() {
        assertArrayEquals(new int[] {29106, 7054, 4166}, tokenizer.encode("résumé"));
    }

    @Test
    void shouldVeGivesTheIdsOfTransformersIssue22166() {
        assertArrayEquals(new int[] {592, 1535, 1200, 1700, 589}, tokenizer.encode("You should've done this"));
    }

    @Test
    void theSeventeenTokensOfTransformersIssue12648() {
        assertEquals(List.of("a</w>", "'ll</w>", "1</w>", "1</w>", "p</w>", "2</w>", "2</w>", "3</w>",
                "rf</w>", "âĺĨ</w>", "ho</w>", "!!</w>", "to</w>", "?</w>", "of</w>", "a</w>", "cat</w>"),
                tokenizer.tokenize("A\n'll 11p223RF☆ho!!to? of a cat"));
    }

    /** The longer form of that text, with the ids of the CLIP test in PaddleNLP's fast_tokenizer. */
    @Test
    void contractionsAfterPunctuationMatchTheHfTokenizersTest() {
        String text = "A\n'll 11p223RF☆ho!!to?'d'd''d of a cat";
        assertArrayEquals(new int[] {320, 1342, 272, 272, 335, 273, 273, 274, 16368, 13439, 2971, 748, 531,
            13610, 323, 1896, 8445, 323, 539, 320, 2368}, tokenizer.encode(text));
        assertEquals(List.of("a</w>", "'ll</w>", "1</w>", "1</w>", "p</w>", "2</w>", "2</w>", "3</w>",
                "rf</w>", "âĺĨ</w>", "ho</w>", "!!</w>", "to</w>", "?'</w>", "d</w>", "'d</w>", "''</w>",
                "d</w>", "of</w>", "a</w>", "cat</w>"), tokenizer.tokenize(text));
    }

    @Test
    void punctuationSwallowsTheStartOfASpecialTokenString() {
        assertArrayEquals(new int[] {3306, 1443, 27, 347, 40786, 4160, 91, 285},
                tokenizer.encode("hello!!<|endoftext|>"));
        assertArrayEquals(new int[] {3306, 49407}, tokenizer.encode("hello <|ENDOFTEXT|>"));
    }

    // ----------------------------------------------------------------------------------------------------
    // against the python reference

    /** 3,200 random texts encoded and decoded by openai's simple_tokenizer.py (see the resources README). */
    @Test
    void randomTextsGiveThePythonIdsAndDecodings() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> failures = new ArrayList<>();
        int count = 0;
        for (String line : Files.readAllLines(TestData.resource("python-reference-random.jsonl"))) {
            JsonNode node = json.readTree(line);
            String text = node.get("text").textValue();
            int[] expected = json.convertValue(node.get("ids"), int[].class);
            count++;
            for (ClipTokenizer t : List.of(TestData.hfTokenizer(), TestData.bundledTokenizer())) {
                int[] actual = t.encode(text);
                if (!Arrays.equals(expected, actual)) {
                    failures.add(TestData.escaped(text, 80) + ": expected " + Arrays.toString(expected)
                            + ", got " + Arrays.toString(actual));
                } else if (!t.decode(actual).equals(node.get("decoded").textValue())) {
                    failures.add(TestData.escaped(text, 80) + ": decodes to "
                            + TestData.escaped(t.decode(actual), 80));
                }
            }
        }
        assertEquals(3200, count);
        assertTrue(failures.isEmpty(), failures.size() + " differ, first: " + failures.stream().limit(5).toList());
    }

    @Test
    void combiningYpogegrammeniBelongsToNoPiece() {
        // The Python regex module matches U+0345 with no alternative under IGNORECASE, so findall skips it.
        assertEquals(tokenizer.tokenize("a b"), tokenizer.tokenize("a\u0345b"));
        assertEquals(tokenizer.tokenize("! !"), tokenizer.tokenize("!\u0345!"));
        assertEquals(List.of(), tokenizer.tokenize("\u0345"));
    }

    // ----------------------------------------------------------------------------------------------------
    // decoding

    @ParameterizedTest
    @ValueSource(strings = {"a photo of a cat", "a man is riding a horse on the beach",
        "two dogs playing in the snow", "someone slices a tomato with a knife", "a b c"})
    void plainLowerCaseCaptionsRoundTrip(String caption) {
        // openai's decode turns every </w> into a space, so a decoded text ends in one.
        assertEquals(caption + " ", tokenizer.decode(tokenizer.encode(caption)));
    }

    @Test
    void decodingGivesThePiecesJoinedBySpacesForEveryFixtureCase() {
        for (TestData.FixtureCase testCase : TestData.fixtureCases()) {
            if (Arrays.stream(testCase.ids()).anyMatch(id -> id >= 49406)) {
                continue; // special tokens decode to their strings without </w>
            }
            List<String> pieces = tokenizer.preTokenize(testCase.text());
            String expected = pieces.isEmpty() ? "" : String.join(" ", pieces) + " ";
            assertEquals(expected, tokenizer.decode(testCase.ids()), testCase.displayName());
        }
    }

    @Test
    void mixedCaseAndPunctuationDecodeCleaned() {
        assertEquals("a photo of a dog . ", tokenizer.decode(tokenizer.encode("A Photo of a DOG.")));
        assertEquals("it 's & co ", tokenizer.decode(tokenizer.encode("It's &amp;amp; Co")), "unescaped twice");
    }

    @Test
    void specialTokensDecodeToTheirStrings() {
        assertEquals("<|startoftext|>a photo <|endoftext|>",
                tokenizer.decode(new int[] {49406, 320, 1125, 49407}));
    }

    @Test
    void unknownIdIsReported() {
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {49408}));
        assertTrue(error.getMessage().contains("49408"), error.getMessage());
    }

    // ----------------------------------------------------------------------------------------------------
    // framing

    @Test
    void openaiAndHfDifferOnlyInPadding() {
        ClipTokenizer.Encoding openai =
                tokenizer.encode(List.of("a photo of a cat", ""), 10, ClipTokenizer.Framing.OPENAI);
        ClipTokenizer.Encoding hf = tokenizer.encode(List.of("a photo of a cat", ""), 10, ClipTokenizer.Framing.HF);
        assertArrayEquals(new long[] {49406, 320, 1125, 539, 320, 2368, 49407, 0, 0, 0}, openai.inputIds()[0]);
        assertArrayEquals(new long[] {49406, 320, 1125, 539, 320, 2368, 49407, 49407, 49407, 49407},
                hf.inputIds()[0]);
        assertArrayEquals(new long[] {49406, 49407, 0, 0, 0, 0, 0, 0, 0, 0}, openai.inputIds()[1]);
        for (ClipTokenizer.Encoding encoding : List.of(openai, hf)) {
            assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, encoding.attentionMask()[0]);
            assertArrayEquals(new long[] {1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, encoding.attentionMask()[1]);
            assertArrayEquals(new int[] {6, 1}, encoding.eotIndex());
            assertArrayEquals(new boolean[] {false, false}, encoding.truncated());
            assertEquals(2, encoding.batchSize());
            assertEquals(10, encoding.contextLength());
        }
    }

    @Test
    void longTextsKeepTheirFirstIdsAndEndInEot() {
        String text = "a photo of a cat";
        ClipTokenizer.Encoding encoding = tokenizer.encode(List.of(text), 5, ClipTokenizer.Framing.OPENAI);
        assertArrayEquals(new long[] {49406, 320, 1125, 539, 49407}, encoding.inputIds()[0]);
        assertArrayEquals(new long[] {1, 1, 1, 1, 1}, encoding.attentionMask()[0]);
        assertArrayEquals(new int[] {4}, encoding.eotIndex());
        assertTrue(encoding.anyTruncated());
        assertTrue(tokenizer.isTruncated(text, 5));
        assertFalse(tokenizer.isTruncated(text, 7), "5 ids fit exactly between bos and eot");
    }

    @Test
    void eotIndexIsTheFirstEotLikeTorchArgmax() {
        ClipTokenizer.Encoding encoding =
                tokenizer.encode(List.of("a <|endoftext|> b"), 8, ClipTokenizer.Framing.OPENAI);
        assertArrayEquals(new long[] {49406, 320, 49407, 321, 49407, 0, 0, 0}, encoding.inputIds()[0]);
        assertArrayEquals(new int[] {2}, encoding.eotIndex());
    }

    @Test
    void contextMustHoldBosAndEot() {
        assertThrows(IllegalArgumentException.class,
                () -> tokenizer.encode(List.of("a"), 1, ClipTokenizer.Framing.HF));
    }

    @Test
    void defaultContextIs77() {
        ClipTokenizer.Encoding encoding = tokenizer.encode("a dog", ClipTokenizer.Framing.HF);
        assertEquals(77, encoding.contextLength());
    }

    // ----------------------------------------------------------------------------------------------------
    // loading

    @Test
    void bothLayoutsGiveTheSameVocabulary() {
        ClipTokenizer hf = TestData.hfTokenizer();
        assertEquals(49408, hf.vocabSize());
        assertEquals(49408, tokenizer.vocabSize());
        assertEquals(49406, hf.bosId());
        assertEquals(49407, hf.eotId());
        assertEquals(49406, tokenizer.bosId());
        assertEquals(49407, tokenizer.eotId());
        assertEquals(0, tokenizer.idOf("!"));
        assertEquals(64, tokenizer.idOf("a"));
        assertEquals(188, tokenizer.idOf("\u0100"), "byte 0x00");
        assertEquals(220, tokenizer.idOf("\u0120"), "the space byte");
        assertEquals(255, tokenizer.idOf("\u0143"), "byte 0xAD");
        assertEquals(320, tokenizer.idOf("a</w>"));
        assertEquals(-1, tokenizer.idOf("no such token"));
    }

    @Test
    void openaiDefaultIsLoadedOnce() {
        assertSame(ClipTokenizer.openaiDefault(), ClipTokenizer.openaiDefault());
    }

    @Test
    void modelDirPrefersHfFilesThenGzThenTheBundledVocabulary(@TempDir Path dir) throws IOException {
        assertSame(ClipTokenizer.openaiDefault(), ClipTokenizer.forModelDir(dir));

        Files.copy(TestData.resource("vocab.json"), dir.resolve("vocab.json"));
        assertSame(ClipTokenizer.openaiDefault(), ClipTokenizer.forModelDir(dir), "vocab.json alone is not used");

        Files.copy(TestData.resource("merges.txt"), dir.resolve("merges.txt"));
        ClipTokenizer fromHf = ClipTokenizer.forModelDir(dir);
        assertTrue(fromHf.toString().contains("vocab.json"), fromHf.toString());
        assertArrayEquals(new int[] {29106, 7054, 4166}, fromHf.encode("résumé"));

        Path gzDir = Files.createDirectory(dir.resolve("openai"));
        try (var in = ClipTokenizer.class.getResourceAsStream(ClipTokenizer.BUNDLED_VOCABULARY)) {
            Files.copy(in, gzDir.resolve("bpe_simple_vocab_16e6.txt.gz"));
        }
        ClipTokenizer fromGz = ClipTokenizer.forModelDir(gzDir);
        assertTrue(fromGz.toString().contains("bpe_simple_vocab_16e6.txt.gz"), fromGz.toString());
        assertArrayEquals(new int[] {29106, 7054, 4166}, fromGz.encode("résumé"));
    }

    @Test
    void crlfMergesAreReadLikePythonsUniversalNewlines(@TempDir Path dir) throws IOException {
        String merges = Files.readString(TestData.resource("merges.txt")).replace("\n", "\r\n");
        Files.writeString(dir.resolve("merges.txt"), merges);
        ClipTokenizer crlf = ClipTokenizer.fromHfFiles(TestData.resource("vocab.json"), dir.resolve("merges.txt"));
        assertArrayEquals(tokenizer.encode("a photo of a cat"), crlf.encode("a photo of a cat"));
    }

    // ----------------------------------------------------------------------------------------------------
    // broken files

    private void assertNamesFile(Path file, Runnable load) {
        TokenizerException error = assertThrows(TokenizerException.class, load::run);
        assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
    }

    @Test
    void missingVocabJson(@TempDir Path dir) {
        Path missing = dir.resolve("vocab.json");
        assertNamesFile(missing, () -> ClipTokenizer.fromHfFiles(missing, TestData.resource("merges.txt")));
    }

    @Test
    void missingMergesTxt(@TempDir Path dir) {
        Path missing = dir.resolve("merges.txt");
        assertNamesFile(missing, () -> ClipTokenizer.fromHfFiles(TestData.resource("vocab.json"), missing));
    }

    @Test
    void missingGz(@TempDir Path dir) {
        Path missing = dir.resolve("bpe_simple_vocab_16e6.txt.gz");
        assertNamesFile(missing, () -> ClipTokenizer.fromBpeGz(missing));
    }

    @Test
    void vocabJsonThatIsNotJson(@TempDir Path dir) throws IOException {
        Path vocab = Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0, \"b\": ");
        assertNamesFile(vocab, () -> ClipTokenizer.fromHfFiles(vocab, TestData.resource("merges.txt")));
    }

    @Test
    void vocabJsonWithATextId(@TempDir Path dir) throws IOException {
        Path vocab = Files.writeString(dir.resolve("vocab.json"), "{\"a\": \"zero\"}");
        assertNamesFile(vocab, () -> ClipTokenizer.fromHfFiles(vocab, TestData.resource("merges.txt")));
    }

    @Test
    void vocabJsonThatDoesNotBelongToTheMerges(@TempDir Path dir) throws IOException {
        Path vocab = Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0}");
        assertNamesFile(vocab, () -> ClipTokenizer.fromHfFiles(vocab, TestData.resource("merges.txt")));
    }

    @Test
    void truncatedMergesTxt(@TempDir Path dir) throws IOException {
        List<String> lines = Files.readAllLines(TestData.resource("merges.txt"));
        Path merges = Files.write(dir.resolve("merges.txt"), lines.subList(0, 1000));
        TokenizerException error = assertThrows(TokenizerException.class,
                () -> ClipTokenizer.fromHfFiles(TestData.resource("vocab.json"), merges));
        assertTrue(error.getMessage().contains(merges.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("999 merges"), error.getMessage());
    }

    @Test
    void mergeLineWithThreeParts(@TempDir Path dir) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(TestData.resource("merges.txt")));
        lines.set(5, "a b c");
        Path merges = Files.write(dir.resolve("merges.txt"), lines);
        TokenizerException error = assertThrows(TokenizerException.class,
                () -> ClipTokenizer.fromHfFiles(TestData.resource("vocab.json"), merges));
        assertTrue(error.getMessage().contains(merges + ", line 6"), error.getMessage());
    }

    @Test
    void gzThatIsNotGzip(@TempDir Path dir) throws IOException {
        Path gz = Files.writeString(dir.resolve("bpe_simple_vocab_16e6.txt.gz"), "not gzip at all");
        assertNamesFile(gz, () -> ClipTokenizer.fromBpeGz(gz));
    }

    @Test
    void gzCutShort(@TempDir Path dir) throws IOException {
        byte[] whole;
        try (var in = ClipTokenizer.class.getResourceAsStream(ClipTokenizer.BUNDLED_VOCABULARY)) {
            whole = in.readAllBytes();
        }
        Path gz = Files.write(dir.resolve("bpe_simple_vocab_16e6.txt.gz"), Arrays.copyOf(whole, whole.length / 2));
        assertNamesFile(gz, () -> ClipTokenizer.fromBpeGz(gz));
    }

    @Test
    void gzWithTooFewMerges(@TempDir Path dir) throws IOException {
        Path gz = dir.resolve("small.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("#version: 0.2\ni n\nt h\n".getBytes(StandardCharsets.UTF_8));
        }
        assertNamesFile(gz, () -> ClipTokenizer.fromBpeGz(gz));
    }

    @Test
    void concurrentEncodingGivesTheSameIdsAsSequential() throws Exception {
        ClipTokenizer fresh =
                ClipTokenizer.fromHfFiles(TestData.resource("vocab.json"), TestData.resource("merges.txt"));
        List<TestData.FixtureCase> cases = TestData.fixtureCases();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int worker = 0; worker < 8; worker++) {
                int offset = worker * 37;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < cases.size(); i++) {
                        TestData.FixtureCase c = cases.get((i + offset) % cases.size());
                        if (!Arrays.equals(c.ids(), fresh.encode(c.text()))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(fresh.cachedPieceCount() > 0);
    }
}

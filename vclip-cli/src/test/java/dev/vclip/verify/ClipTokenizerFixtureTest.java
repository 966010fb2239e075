package dev.vclip.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vclip.TestResources;
import dev.vclip.tokenizer.ClipTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden case of shared/fixtures/tokenizer/cases.jsonl (copied to vclip-core's src/test/resources/tokenizer/),
 * checked exactly on ids, context77_openai, context77_hf and attention_mask_hf, for both vocabulary layouts. Cases
 * flagged hf_differs are checked like every other: the fixture defines their ids by the openai pipeline.
 */
class ClipTokenizerFixtureTest {

    /** The fixture file. */
    static Path casesFile() {
        return TestResources.path("tokenizer/cases.jsonl");
    }

    /** Its cases, read once. */
    static List<TokenizerCases.Case> cases() {
        return Holder.CASES;
    }

    /** The tokenizer built from the HF layout (vocab.json + merges.txt), built once. */
    static ClipTokenizer hfTokenizer() {
        return Holder.HF;
    }

    static Stream<Named<TokenizerCases.Case>> fixtureCases() {
        return cases().stream().map(c -> Named.of(c.displayName(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureCases")
    void hfVocabularyMatchesGoldenCase(TokenizerCases.Case testCase) {
        TokenizerCases.Result result = TokenizerCases.check(hfTokenizer(), testCase);
        assertTrue(result.passed(), result.message());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureCases")
    void bundledGzVocabularyMatchesGoldenCase(TokenizerCases.Case testCase) {
        TokenizerCases.Result result = TokenizerCases.check(ClipTokenizer.openaiDefault(), testCase);
        assertTrue(result.passed(), result.message());
    }

    @Test
    void fixtureHasAll407CasesWithTheDocumentedShape() {
        var cases = cases();
        assertEquals(407, cases.size());
        assertEquals(49, cases.stream().filter(TokenizerCases.Case::hfDiffers).count(), "cases with hf_differs");
        assertEquals(7, cases.stream().filter(c -> c.ids().length > 75).count(), "cases longer than 75 ids");
        assertEquals(5, cases.stream().filter(c -> c.ids().length == 0).count(), "cases without ids");
        assertTrue(cases.stream().allMatch(c -> c.contextLength() == 77));
    }

    @Test
    void verifierReportsAllCasesPassedForBothLayouts() {
        for (ClipTokenizer tokenizer : new ClipTokenizer[] {hfTokenizer(), ClipTokenizer.openaiDefault()}) {
            TokenizerCases.Report report = TokenizerCases.verify(tokenizer, casesFile());
            assertEquals("407 passed, 0 failed", report.summary(), tokenizer.toString());
        }
    }

    private static final class Holder {
        static final List<TokenizerCases.Case> CASES = TokenizerCases.read(casesFile());
        static final ClipTokenizer HF = ClipTokenizer.fromHfFiles(TestResources.path("tokenizer/vocab.json"),
                TestResources.path("tokenizer/merges.txt"));
    }
}

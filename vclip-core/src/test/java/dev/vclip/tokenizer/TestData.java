package dev.vclip.tokenizer;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;

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

    static List<TokenizerCases.Case> fixtureCases() {
        return CasesHolder.CASES;
    }

    private static final class HfHolder {
        static final ClipTokenizer TOKENIZER =
                ClipTokenizer.fromHfFiles(resource("vocab.json"), resource("merges.txt"));
    }

    private static final class CasesHolder {
        static final List<TokenizerCases.Case> CASES = TokenizerCases.read(resource("cases.jsonl"));
    }
}

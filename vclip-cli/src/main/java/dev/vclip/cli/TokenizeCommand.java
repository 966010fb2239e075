package dev.vclip.cli;

import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.tokenizer.TokenizerCases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "tokenize", description = "Tokenize texts with the CLIP BPE tokenizer, or check it against golden cases.")
final class TokenizeCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "texts to tokenize")
    List<String> texts = List.of();

    @Option(names = "--model", paramLabel = "DIR", description = "use the tokenizer files of this model folder "
            + "(default: the bundled OpenAI vocabulary)")
    Path model;

    @Option(names = "--context", paramLabel = "N", description = "context length (default: ${DEFAULT-VALUE})")
    int context = ClipTokenizer.DEFAULT_CONTEXT_LENGTH;

    @Option(names = "--framing", paramLabel = "hf|openai", description = "padding: hf pads with <|endoftext|> and "
            + "gives an attention mask, openai pads with 0 (default: ${DEFAULT-VALUE})")
    String framing = "hf";

    @Option(names = "--verify", paramLabel = "CASES.jsonl", description = "check every case of a cases.jsonl file")
    Path verify;

    @Override
    public Integer call() {
        ClipTokenizer tokenizer = model != null ? ClipTokenizer.forModelDir(model) : ClipTokenizer.openaiDefault();
        if (verify != null) {
            TokenizerCases.Report report = TokenizerCases.verify(tokenizer, verify);
            for (TokenizerCases.Result failure : report.failures()) {
                System.out.println("FAIL line " + failure.testCase().line() + " " + failure.testCase().displayName()
                        + ": " + failure.message());
            }
            System.out.println(report.summary());
            return report.failed() == 0 ? 0 : 1;
        }
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("give texts to tokenize, or --verify CASES.jsonl");
        }
        ClipTokenizer.Framing f = switch (framing.toLowerCase()) {
            case "hf" -> ClipTokenizer.Framing.HF;
            case "openai" -> ClipTokenizer.Framing.OPENAI;
            default -> throw new IllegalArgumentException("--framing must be hf or openai, not '" + framing + "'");
        };
        ClipTokenizer.Encoding enc = tokenizer.encode(texts, context, f);
        for (int i = 0; i < texts.size(); i++) {
            int used = 0;
            for (long m : enc.attentionMask()[i]) {
                used += (int) m;
            }
            System.out.println(texts.get(i));
            System.out.println("  tokens  " + tokenizer.tokenize(texts.get(i)));
            System.out.println("  ids     " + Arrays.toString(Arrays.copyOf(enc.inputIds()[i], used))
                    + " + " + (context - used) + " padding" + (enc.truncated()[i] ? "  (truncated to " + context + ")" : ""));
        }
        return 0;
    }
}

package dev.vclip.cli;

import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.verify.TokenizerCases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "tokenize", mixinStandardHelpOptions = true, description = {
        "Tokenize texts with the CLIP BPE tokenizer, or check it against golden cases.",
        "Example: vclip tokenize \"a red circle moving left\" --framing openai --context 16"})
final class TokenizeCommand extends VclipCommand {

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "texts to tokenize")
    List<String> texts = List.of();

    @Option(names = "--model", paramLabel = "DIR", description = "use the tokenizer files of this model folder "
            + "(default: the bundled OpenAI vocabulary)")
    Path model;

    @Option(names = "--context", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "context length in tokens, BOS and EOT included (default: ${DEFAULT-VALUE})")
    int context = ClipTokenizer.DEFAULT_CONTEXT_LENGTH;

    @Option(names = "--framing", paramLabel = "hf|openai", description = "padding: hf pads with <|endoftext|> and "
            + "gives an attention mask, openai pads with 0 (default: ${DEFAULT-VALUE})")
    String framing = "hf";

    @Option(names = "--verify", paramLabel = "CASES.jsonl", description = "check every case of a cases.jsonl file")
    Path verify;

    @Option(names = "--json", description = "print the tokens and ids (or the check's counts) as one JSON document")
    boolean json;

    @Override
    public Integer call() {
        ClipTokenizer.Framing f = switch (framing.toLowerCase()) {
            case "hf" -> ClipTokenizer.Framing.HF;
            case "openai" -> ClipTokenizer.Framing.OPENAI;
            default -> throw usage("--framing must be hf or openai, not '" + framing + "'");
        };
        if (verify == null && texts.isEmpty()) {
            throw usage("give texts to tokenize, or --verify CASES.jsonl");
        }
        ClipTokenizer tokenizer = model != null ? ClipTokenizer.forModelDir(model) : ClipTokenizer.openaiDefault();
        if (verify != null) {
            TokenizerCases.Report report = TokenizerCases.verify(tokenizer, verify);
            // each "line N [category] text: what differs"
            List<String> failures = report.failures().stream().map(TokenizerCases.Result::message).toList();
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("failed", report.failed());
                doc.put("summary", report.summary());
                doc.put("failures", failures);
                printJson(doc);
            } else {
                failures.forEach(line -> out().println("FAIL " + line));
                out().println(report.summary());
            }
            return report.failed() == 0 ? 0 : 1;
        }
        ClipTokenizer.Encoding enc = tokenizer.encode(texts, context, f);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            int used = 0;
            for (long m : enc.attentionMask()[i]) {
                used += (int) m;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("text", texts.get(i));
            row.put("tokens", tokenizer.tokenize(texts.get(i)));
            row.put("ids", Arrays.copyOf(enc.inputIds()[i], used));
            row.put("padding", context - used);
            row.put("truncated", enc.truncated()[i]);
            rows.add(row);
        }
        if (json) {
            printJson(rows);
            return 0;
        }
        for (Map<String, Object> row : rows) {
            out().println(row.get("text"));
            out().println("  tokens  " + row.get("tokens"));
            out().println("  ids     " + Arrays.toString((long[]) row.get("ids")) + " + " + row.get("padding")
                    + " padding" + ((Boolean) row.get("truncated") ? "  (truncated to " + context + ")" : ""));
        }
        return 0;
    }
}

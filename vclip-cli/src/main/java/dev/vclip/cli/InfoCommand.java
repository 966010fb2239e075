package dev.vclip.cli;

import dev.vclip.cli.base.VclipCommand;
import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.verify.ReferenceCheck;
import dev.vclip.weights.SafeTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "info", mixinStandardHelpOptions = true, description = {
        "Describe a model folder: family, sizes, parameter count, tokenizer; if the folder holds reference outputs "
                + "(reference.safetensors), check the model against them.",
        "Example: vclip info --model models/xclip-tiny-random"})
final class InfoCommand extends VclipCommand {

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: the bundled tiny model)")
    Path model;

    /** The old positional form, still accepted. */
    @Parameters(arity = "0..1", paramLabel = "DIR", hidden = true, description = "model folder (old form of --model)")
    Path positional;

    @Option(names = "--json", description = "print the description as one JSON document")
    boolean json;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        if (model != null && positional != null) {
            throw usage("give the model folder once, with --model");
        }
        Path folder = model != null ? model : positional != null ? positional : Main.bundledModel();
        Map<String, Object> doc = new LinkedHashMap<>();
        int exit = 0;
        long start = System.nanoTime();
        try (VideoTextModel m = ModelFolder.load(folder)) {
            double loadMs = (System.nanoTime() - start) / 1e6;
            ModelConfig c = m.config();
            doc.put("model", folder.toAbsolutePath().normalize().toString());
            doc.put("family", m.family().displayName());
            c.summary().forEach((k, v) -> doc.put(k, v));
            doc.put("parameters", m.weights().parameterCount());
            doc.put("weights", String.valueOf(m.weights().source()));
            doc.put("tokenizer", String.valueOf(m.tokenizer()));
            if (m.tokenizer().vocabSize() > c.text().vocabSize()) {
                doc.put("note", "the tokenizer has " + m.tokenizer().vocabSize() + " tokens but the model's vocab_size "
                        + "is " + c.text().vocabSize() + ": text input needs ids below it (a test model with random "
                        + "weights)");
            }
            doc.put("load_ms", Math.round(loadMs));
            List<String> others = ModelFolder.configs(folder).keySet().stream().filter(k -> !k.isEmpty()).toList();
            if (!others.isEmpty()) {
                // an original run folder describing several runs over one checkpoint (CLIP4Clip headers, CenterCLIP cases)
                doc.put("configurations", others);
            }
            Path reference = folder.resolve("reference.safetensors");
            if (Files.isRegularFile(reference)) {
                try (SafeTensors caseFile = SafeTensors.open(reference)) {
                    ReferenceCheck.Report report = ReferenceCheck.run(folder, m, caseFile);
                    List<ReferenceCheck.Result> results = report.results();
                    long failed = report.failed();
                    double worst = results.stream().mapToDouble(ReferenceCheck.Result::maxAbsDiff)
                            .filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
                    Map<String, Object> check = new LinkedHashMap<>();
                    check.put("tensors", results.size());
                    check.put("matching", results.size() - failed);
                    check.put("worst_max_abs_diff", worst);
                    check.put("details", "vclip verify --model " + folder + " --case " + reference);
                    doc.put("self_check", check);
                    exit = failed == 0 ? 0 : 1;
                }
            }
        }
        if (json) {
            printJson(doc);
            return exit;
        }
        out().println("model      " + doc.get("model"));
        out().println("family     " + doc.get("family"));
        for (Map.Entry<String, Object> e : doc.entrySet()) {
            if (!List.of("model", "family", "parameters", "weights", "tokenizer", "note", "load_ms", "self_check",
                            "configurations")
                    .contains(e.getKey())) {
                out().printf("%-10s %s%n", e.getKey().replace("_", " "), e.getValue());
            }
        }
        long parameters = (Long) doc.get("parameters");
        out().printf("parameters %,d (%.1f MB as fp32)%n", parameters, parameters * 4 / 1e6);
        out().println("weights    " + doc.get("weights"));
        out().println("tokenizer  " + doc.get("tokenizer"));
        if (doc.containsKey("configurations")) {
            out().println("configs    " + String.join(", ", (List<String>) doc.get("configurations"))
                    + " (the folder's run files; verify computes each; convert --configuration NAME converts one, "
                    + "the run's own without it)");
        }
        if (doc.containsKey("note")) {
            out().println("note       " + doc.get("note"));
        }
        out().printf("loaded in  %d ms%n", (Long) doc.get("load_ms"));
        if (doc.get("self_check") instanceof Map<?, ?> check) {
            out().printf("self-check %d of %d reference tensors match (worst max|diff| %.2e); details: %s%n",
                    (Long) check.get("matching"), (Integer) check.get("tensors"),
                    (Double) check.get("worst_max_abs_diff"), check.get("details"));
        }
        return exit;
    }
}

package dev.vclip.cli;

import dev.vclip.cli.base.VclipCommand;
import dev.vclip.verify.ReferenceCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

@Command(name = "verify", mixinStandardHelpOptions = true, description = {
        "Run the inputs of a case file (input_ids, attention_mask, input_ids_eotpad, pixel_values, pixel_values_video,"
                + " video, video_mask) through a model and compare every stored output under its reference name, "
                + "intermediates included. Exits 1 if any tensor is past tolerance (1e-4; 1e-3 for logits; integers "
                + "exact) or a known output could not be computed.",
        "A folder with several configurations (an original CLIP4Clip / CenterCLIP run folder; see vclip info) is "
                + "checked configuration by configuration: a name g/leaf is output leaf of configuration g, an "
                + "unprefixed name one of the folder's own configuration; a prefix the folder has no configuration "
                + "of fails.",
        "Make a case file in Python by saving the model's inputs and outputs with safetensors.torch.save_file.",
        "Example: vclip verify --model models/xclip-tiny-random --case models/xclip-tiny-random/reference.safetensors"})
final class VerifyCommand extends VclipCommand {

    @Mixin
    ModelOption model = new ModelOption();

    @Option(names = "--case", required = true, paramLabel = "FILE", description = "case file (.safetensors)")
    Path caseFile;

    @Option(names = "--json", description = "print the results as one JSON document")
    boolean json;

    @Override
    public Integer call() {
        ReferenceCheck.Report report = ReferenceCheck.run(model.dir, caseFile);
        if (json) {
            printJson(new java.util.TreeMap<>(Map.of("results", report.results(), "passed", report.passed(),
                    "failed", report.failed())));
        } else {
            report.results().forEach(out()::println);
            out().println(report.summary());
        }
        return report.failed() == 0 && report.passed() > 0 ? 0 : 1;
    }
}

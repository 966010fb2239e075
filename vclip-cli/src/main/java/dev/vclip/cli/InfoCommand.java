package dev.vclip.cli;

import dev.vclip.model.ModelConfig;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.ReferenceCheck;
import dev.vclip.model.VideoTextModel;
import dev.vclip.weights.SafeTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "info", description = "Describe a model folder: family, sizes, parameter count, tokenizer; "
        + "if the folder holds reference outputs (reference.safetensors), check the model against them.")
final class InfoCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "model folder (default: the bundled tiny model)")
    Path dir;

    @Override
    public Integer call() {
        Path folder = dir != null ? dir : Main.bundledModel();
        long start = System.nanoTime();
        try (VideoTextModel model = ModelFolder.load(folder)) {
            double loadMs = (System.nanoTime() - start) / 1e6;
            ModelConfig c = model.config();
            System.out.println("model      " + folder.toAbsolutePath().normalize());
            System.out.println("family     " + (c.isXClip() ? "X-CLIP (XCLIPModel)" : "CLIP (CLIPModel)"));
            c.summary().forEach((k, v) -> System.out.printf("%-10s %s%n", k.replace("_", " "), v));
            System.out.printf("parameters %,d (%.1f MB as fp32)%n", model.weights().parameterCount(),
                    model.weights().parameterCount() * 4 / 1e6);
            System.out.println("weights    " + model.weights().source());
            System.out.println("tokenizer  " + model.tokenizer());
            if (model.tokenizer().vocabSize() > c.text().vocabSize()) {
                System.out.println("note       the tokenizer has " + model.tokenizer().vocabSize() + " tokens but the "
                        + "model's vocab_size is " + c.text().vocabSize() + ": text input needs ids below it "
                        + "(a test model with random weights)");
            }
            System.out.printf("loaded in  %.0f ms%n", loadMs);
            Path reference = folder.resolve("reference.safetensors");
            if (Files.isRegularFile(reference)) {
                try (SafeTensors caseFile = SafeTensors.open(reference)) {
                    List<ReferenceCheck.Result> results = ReferenceCheck.run(model, caseFile);
                    long failed = results.stream().filter(ReferenceCheck.Result::failed).count();
                    double worst = results.stream().mapToDouble(ReferenceCheck.Result::maxAbsDiff)
                            .filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
                    System.out.printf("self-check %d of %d reference tensors match (worst max|diff| %.2e); "
                                    + "details: vclip verify --model %s --case %s%n", results.size() - failed,
                            results.size(), worst, folder, reference);
                    return failed == 0 ? 0 : 1;
                }
            }
        }
        return 0;
    }
}

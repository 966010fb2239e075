package dev.vclip.cli;

import dev.vclip.cli.base.VclipCommand;
import dev.vclip.VclipException;
import dev.vclip.model.ModelConversion;
import dev.vclip.model.ModelFolder;
import dev.vclip.weights.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

@Command(name = "convert", mixinStandardHelpOptions = true, description = {
        "Convert a PyTorch checkpoint (OpenAI CLIP, official X-CLIP, ViFi-CLIP, or HF names) into a Hugging Face "
                + "model folder: config.json + model.safetensors, loadable by vclip and by transformers.",
        "An original CLIP4Clip / CenterCLIP run folder (pytorch_model.bin[.N] or ckpt.best.pth.tar with its run "
                + "files) converts one of the configurations it describes (vclip info lists them): --configuration "
                + "NAME, the run's own without it. Parameters the checkpoint lacks come from --base, the CLIP it was "
                + "trained from, as the original's from_pretrained fills them.",
        "The config is inferred from the tensor shapes (heads = width / 64, as CLIP's build_model) unless --config "
                + "gives one (an original checkpoint: --checkpoint k400_32_8.pth --out xclip-b32). Then check it: "
                + "vclip verify --model OUT --case outputs-from-python.safetensors",
        "Example: vclip convert --checkpoint models/xclip-synth --dtype float32 --out runs/xclip-synth-fp32",
        "Example: vclip convert --checkpoint vclip-core/src/test/resources/models/clip4clip-tiny-a --configuration "
                + "seqTransf --out runs/clip4clip-seqtransf"})
final class ConvertCommand extends VclipCommand {

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE|DIR", description = "torch.save file (.pth, "
            + ".bin, .pt), an original CLIP4Clip / CenterCLIP run folder, or a Hugging Face model folder (to change "
            + "its --dtype)")
    Path checkpoint;

    @Option(names = "--dtype", paramLabel = "TYPE", description = "element type of the written weights: float32, "
            + "float16 or bfloat16 (half the size; vclip computes in float32 whatever it loads) (default: as stored)")
    String dtype;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write")
    Path out;

    @Option(names = "--config", paramLabel = "config.json", description = "use this config instead of inferring one")
    Path config;

    @Option(names = "--configuration", paramLabel = "NAME", description = "which of the configurations the "
            + "checkpoint's run files describe to convert (a CLIP4Clip header such as seqTransf, a CenterCLIP "
            + "hparams_eval_NAME.json; vclip info lists them) (default: the run's own)")
    String configuration;

    @Option(names = "--base", paramLabel = "DIR|FILE", description = "take tensors the checkpoint lacks from this "
            + "model (an HF folder or an original checkpoint), e.g. the token embedding ViFi-CLIP does not save, or "
            + "the CLIP a CLIP4Clip / CenterCLIP run started from (its towers, and the header tensors the original "
            + "initialises from CLIP's text transformer)")
    Path base;

    @Option(names = "--force", description = "write into a folder that already has files")
    boolean force;

    @Override
    public Integer call() {
        if (configuration != null && configuration.isBlank()) {
            throw usage("--configuration must name a configuration (vclip info --model " + checkpoint
                    + " lists them); leave it out for the run's own");
        }
        if (configuration != null && config != null) {
            throw usage("give --config or --configuration, not both");
        }
        ModelConversion.Options options = new ModelConversion.Options(checkpoint, out, targetType(), config, base,
                force, configuration);
        ModelConversion.Result r;
        try {
            r = ModelConversion.convert(options, w -> err().println("warning: " + w));
        } catch (ModelFolder.NoSuchConfiguration e) {
            throw usage("--configuration: " + e.getMessage());
        }
        if (r.fromFolder()) {
            out().println("checked    " + r.parameters() + " parameters against the " + r.modelType() + " config");
            out().println("wrote      " + r.weightsFile() + " (" + r.parameters() + " tensors"
                    + (r.dtype() == null ? "" : ", " + r.dtype()) + "), config.json"
                    + (r.copied().isEmpty() ? "" : ", " + String.join(", ", r.copied())));
            return 0;
        }
        out().println("checkpoint " + checkpoint + ": " + r.layout() + " names, " + r.sourceTensors() + " tensors");
        if (!r.configuration().isEmpty()) {
            out().println("config     " + r.configuration());
        }
        if (!r.dropped().isEmpty()) {
            out().println("dropped    " + String.join(", ", r.dropped()));
        }
        if (!r.unused().isEmpty()) {
            int shown = Math.min(r.unused().size(), 10);
            out().println("not used   " + r.unused().size() + " tensors the converted config does not use, not "
                    + "written: " + String.join(", ", r.unused().subList(0, shown))
                    + (shown < r.unused().size() ? ", ... (all in conversion.json)" : ""));
        }
        if (!r.filled().isEmpty()) {
            out().println("filled from base: " + r.filled().size() + " keys");
            r.filled().forEach((key, from) -> out().println("  " + key + (key.equals(from) ? "" : " <- " + from)));
        }
        out().println("checked    " + r.parameters() + " parameters against the " + r.modelType() + " config");
        if (!r.extras().isEmpty()) {
            out().println("extras     " + String.join(", ", r.extras()) + " -> extras.safetensors");
        }
        out().println("wrote      " + r.weightsFile() + " (" + r.parameters() + " tensors), " + r.configFile());
        return 0;
    }

    private DType targetType() {
        if (dtype == null) {
            return null;
        }
        return switch (dtype.toLowerCase(Locale.ROOT)) {
            case "float32", "fp32", "f32" -> DType.F32;
            case "float16", "fp16", "f16", "half" -> DType.F16;
            case "bfloat16", "bf16" -> DType.BF16;
            default -> throw new VclipException("--dtype must be float32, float16 or bfloat16, not '" + dtype + "'");
        };
    }
}

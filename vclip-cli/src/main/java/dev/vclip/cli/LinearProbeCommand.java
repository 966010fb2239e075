package dev.vclip.cli;

import dev.vclip.train.LinearProbeRun;
import dev.vclip.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

@Command(name = "linear-probe", mixinStandardHelpOptions = true, description = {
        "Linear probe: a linear classifier on frozen video features of a model folder. Features are computed once "
                + "(and cached), the probe trains on DATA.TRAIN_FILE with LINEAR_PROBE.* settings and is evaluated "
                + "on DATA.VAL_FILE with TEST.NUM_CLIP x TEST.NUM_CROP views.",
        "Example: vclip linear-probe -cfg configs/synth/xclip-tiny.yaml --model models/xclip-synth --out runs/probe"})
final class LinearProbeCommand extends VclipCommand {

    @Option(names = {"-cfg", "--config"}, required = true, paramLabel = "FILE", description = "YAML config")
    Path config;

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: MODEL.PRETRAINED)")
    Path model;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: OUTPUT)")
    Path out;

    /** The old name of --out, kept for scripts written against it. */
    @Option(names = "--output", hidden = true, paramLabel = "DIR")
    void output(Path dir) {
        out = dir;
    }

    @Option(names = "--opts", arity = "1..*", paramLabel = "KEY VALUE", description = "config overrides, KEY VALUE ...")
    List<String> opts = new ArrayList<>();

    @picocli.CommandLine.Mixin
    CacheOptions caching = new CacheOptions();

    @Override
    public Integer call() {
        List<String> all = new ArrayList<>(opts);
        if (out != null) {
            all.addAll(List.of("OUTPUT", out.toString()));
        }
        TrainConfig cfg = TrainConfig.load(config, all);
        MissingData.check(config, cfg, List.of("DATA.TRAIN_FILE", "DATA.VAL_FILE", "DATA.LABEL_LIST"));
        Path outDir = cfg.string("OUTPUT").isEmpty() ? null : Path.of(cfg.string("OUTPUT"));
        LinearProbeRun.run(cfg, new LinearProbeRun.Options(config, model, outDir, caching.dir(), outStream(),
                typedCommandLine(), ConsoleProgress.FACTORY));
        return 0;
    }
}

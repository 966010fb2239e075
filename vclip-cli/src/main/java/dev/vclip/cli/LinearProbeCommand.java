package dev.vclip.cli;

import dev.vclip.cli.base.VclipCommand;
import dev.vclip.train.LinearProbeRun;
import dev.vclip.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "linear-probe", mixinStandardHelpOptions = true, description = {
        "Linear probe: a linear classifier on frozen video features of a model folder. Features are computed once "
                + "(and cached), the probe trains on DATA.TRAIN_FILE with LINEAR_PROBE.* settings and is evaluated "
                + "on DATA.VAL_FILE with TEST.NUM_CLIP x TEST.NUM_CROP views.",
        "Example: vclip linear-probe -cfg configs/synth/xclip-tiny.yaml --model models/xclip-synth --out runs/probe"})
final class LinearProbeCommand extends VclipCommand {

    @Mixin
    TrainConfigOptions config = new TrainConfigOptions();

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: MODEL.PRETRAINED)")
    Path model;

    @Mixin
    OutputOption out = new OutputOption();

    @Mixin
    CacheOptions caching = new CacheOptions();

    @Override
    public Integer call() {
        TrainConfig cfg = config.load("OUTPUT", out.dir);
        config.requireData(cfg, "DATA.TRAIN_FILE", "DATA.VAL_FILE", "DATA.LABEL_LIST");
        LinearProbeRun.run(cfg, new LinearProbeRun.Options(config.file, model, TrainConfigOptions.output(cfg),
                caching.dir(), outStream(), typedCommandLine(), ConsoleProgress.FACTORY));
        return 0;
    }
}

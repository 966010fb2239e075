package dev.vclip.cli;

import dev.vclip.report.RunReport;
import dev.vclip.train.LinearProbeRun;
import dev.vclip.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "linear-probe", description = {
        "Linear probe: a linear classifier on frozen video features of a model folder. Features are computed once "
                + "(and cached), the probe trains on DATA.TRAIN_FILE with LINEAR_PROBE.* settings and is evaluated "
                + "on DATA.VAL_FILE with TEST.NUM_CLIP x TEST.NUM_CROP views.",
        "Example: vclip linear-probe -cfg probe.yaml --model models/xclip-base-patch32 --output runs/probe"})
final class LinearProbeCommand implements Callable<Integer> {

    @Option(names = {"-cfg", "--config"}, required = true, paramLabel = "FILE", description = "YAML config")
    Path config;

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: MODEL.PRETRAINED)")
    Path model;

    @Option(names = "--output", paramLabel = "DIR", description = "output folder (default: OUTPUT)")
    Path output;

    @Option(names = "--opts", arity = "1..*", paramLabel = "KEY VALUE", description = "config overrides, KEY VALUE ...")
    List<String> opts = new ArrayList<>();

    @picocli.CommandLine.Mixin
    CacheOptions caching = new CacheOptions();

    @Override
    public Integer call() {
        List<String> all = new ArrayList<>(opts);
        if (output != null) {
            all.addAll(List.of("OUTPUT", output.toString()));
        }
        TrainConfig cfg = TrainConfig.load(config, all);
        Path out = cfg.string("OUTPUT").isEmpty() ? null : Path.of(cfg.string("OUTPUT"));
        Path store = caching.dir();
        List<String> args = new ArrayList<>(List.of("linear-probe", "-cfg", config.toString()));
        if (model != null) {
            args.addAll(List.of("--model", model.toString()));
        }
        if (output != null) {
            args.addAll(List.of("--output", output.toString()));
        }
        LinearProbeRun.run(cfg, new LinearProbeRun.Options(config, model, out, store, System.out,
                RunReport.commandLine("vclip", args.toArray(new String[0])), ConsoleProgress.FACTORY));
        return 0;
    }
}

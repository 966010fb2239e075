package dev.vclip.cli;

import dev.vclip.report.RunReport;
import dev.vclip.train.EvalRun;
import dev.vclip.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "eval", description = {
        "Evaluate a model folder on the validation set of a training config (DATA.VAL_FILE, DATA.LABEL_LIST, "
                + "DATA.ROOT): top-1/top-5 over TEST.NUM_CLIP x TEST.NUM_CROP views (softmax per view, summed), "
                + "the class texts as the config's training used them.",
        "Example: vclip eval -cfg configs/k400/32_8.yaml --model runs/k400/model --opts TEST.NUM_CLIP 4 TEST.NUM_CROP 3"})
final class EvalCommand implements Callable<Integer> {

    @Option(names = {"-cfg", "--config"}, required = true, paramLabel = "FILE", description = "YAML config")
    Path config;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "model folder")
    Path model;

    @Option(names = "--opts", arity = "1..*", paramLabel = "KEY VALUE", description = "config overrides, KEY VALUE ...")
    List<String> opts = new ArrayList<>();

    @Option(names = "--output", paramLabel = "DIR", description = "write eval.html and eval.json here")
    Path output;

    @picocli.CommandLine.Mixin
    CacheOptions caching = new CacheOptions();

    @Override
    public Integer call() {
        TrainConfig cfg = TrainConfig.load(config, opts);
        Path store = caching.dir();
        List<String> args = new ArrayList<>(List.of("eval", "-cfg", config.toString(), "--model", model.toString()));
        if (!opts.isEmpty()) {
            args.add("--opts");
            args.addAll(opts);
        }
        EvalRun.run(cfg, new EvalRun.Options(config, model, output, store, System.out,
                RunReport.commandLine("vclip", args.toArray(new String[0])), ConsoleProgress.FACTORY));
        return 0;
    }
}

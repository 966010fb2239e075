package dev.vclip.cli;

import dev.vclip.cli.base.VclipCommand;
import dev.vclip.train.EvalRun;
import dev.vclip.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "eval", mixinStandardHelpOptions = true, description = {
        "Evaluate a model folder on the validation set of a training config (DATA.VAL_FILE, DATA.LABEL_LIST, "
                + "DATA.ROOT): top-1/top-5 over TEST.NUM_CLIP x TEST.NUM_CROP views (softmax per view, summed), "
                + "the class texts as the config's training used them.",
        "Example: vclip eval -cfg configs/synth/xclip-tiny.yaml --model models/xclip-synth --opts TEST.NUM_CLIP 2 "
                + "TEST.NUM_CROP 3"})
final class EvalCommand extends VclipCommand {

    @Mixin
    TrainConfigOptions config = new TrainConfigOptions();

    @Mixin
    ModelOption model = new ModelOption();

    @Option(names = "--out", paramLabel = "DIR", description = "write eval.html and eval.json here")
    Path out;

    /** The old name of --out, kept for scripts written against it. */
    @Option(names = "--output", hidden = true, paramLabel = "DIR")
    void output(Path dir) {
        out = dir;
    }

    @Mixin
    CacheOptions caching = new CacheOptions();

    @Override
    public Integer call() {
        TrainConfig cfg = config.load();
        config.requireData(cfg, "DATA.VAL_FILE", "DATA.LABEL_LIST");
        EvalRun.run(cfg, new EvalRun.Options(config.file, model.dir, out, caching.dir(), outStream(),
                typedCommandLine(), ConsoleProgress.FACTORY));
        return 0;
    }
}

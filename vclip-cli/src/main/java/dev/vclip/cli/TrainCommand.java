package dev.vclip.cli;

import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.train.EvalRun;
import dev.vclip.train.TrainConfig;
import dev.vclip.train.TrainRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "train", mixinStandardHelpOptions = true, description = {
        "Train or fine-tune an X-CLIP or CLIP (ViFi-CLIP) model from a YAML config with the seeds' keys (DATA.*, "
                + "MODEL.*, TRAIN.*, AUG.*, TEST.*, TRAINER.ViFi_CLIP.*): AdamW, cosine schedule with warm-up, "
                + "label smoothing, mixup/cutmix, gradient accumulation, checkpoints and --resume.",
        "Writes OUT/log.jsonl (one line per step), OUT/checkpoints/step-N, OUT/model (a model folder for "
                + "vclip zeroshot --model) and OUT/report.html. configs/synth/*.yaml need their data first: "
                + "vclip synth --out runs/synth-learning/data --seed 0 --clips-per-class 300 --long-videos 4 --no-tar",
        "Example: vclip train -cfg configs/synth/xclip-tiny.yaml --out runs/x --opts TRAIN.EPOCHS 1 "
                + "TRAIN.ACCUMULATION_STEPS 2"})
final class TrainCommand extends VclipCommand {

    @Mixin
    TrainConfigOptions config = new TrainConfigOptions();

    @Mixin
    OutputOption out = new OutputOption();

    @Option(names = "--resume", description = "continue from the newest checkpoint in OUT/checkpoints")
    boolean resume;

    @Option(names = "--pretrained", paramLabel = "DIR", description = "model folder to start from (sets MODEL.PRETRAINED)")
    Path pretrained;

    @Option(names = "--batch", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "clips per optimiser step (sets TRAIN.BATCH_SIZE)")
    Integer batch;

    @Option(names = {"--accumulation-steps"}, paramLabel = "K", converter = Checks.AtLeastOne.class,
            description = "sets TRAIN.ACCUMULATION_STEPS")
    Integer accumulationSteps;

    @Option(names = {"--only-test", "--only_test"}, description = "evaluate --pretrained (or OUT/model) on "
            + "DATA.VAL_FILE with TEST.NUM_CLIP x TEST.NUM_CROP views instead of training")
    boolean onlyTest;

    @Override
    public Integer call() {
        // X-CLIP main.py update_config: the file, then --opts, then the dedicated arguments
        TrainConfig cfg = config.load("OUTPUT", out.dir, "MODEL.PRETRAINED", pretrained, "TRAIN.BATCH_SIZE", batch,
                "TRAIN.ACCUMULATION_STEPS", accumulationSteps);
        String line = typedCommandLine();
        if (onlyTest || cfg.bool("TEST.ONLY_TEST")) {
            config.requireData(cfg, "DATA.VAL_FILE", "DATA.LABEL_LIST");
            Path model = cfg.string("MODEL.PRETRAINED") != null ? Path.of(cfg.string("MODEL.PRETRAINED"))
                    : Path.of(cfg.string("OUTPUT"), "model");
            EvalRun.run(cfg, new EvalRun.Options(config.file, model, TrainConfigOptions.output(cfg), null, outStream(),
                    line, ConsoleProgress.FACTORY));
            return 0;
        }
        config.requireData(cfg, "DATA.TRAIN_FILE", "DATA.VAL_FILE", "DATA.LABEL_LIST");
        TrainRun.run(cfg, new TrainRun.Options(config.file, resume, -1, outStream(), line, ConsoleProgress.FACTORY));
        return 0;
    }
}

package dev.vclip.cli;

import dev.vclip.train.EvalRun;
import dev.vclip.train.TrainConfig;
import dev.vclip.train.TrainRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    @Option(names = {"-cfg", "--config"}, required = true, paramLabel = "FILE", description = "YAML config")
    Path config;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (sets OUTPUT)")
    Path out;

    /** The old name of --out, kept for scripts written against it. */
    @Option(names = "--output", hidden = true, paramLabel = "DIR")
    void output(Path dir) {
        out = dir;
    }

    @Option(names = "--opts", arity = "1..*", paramLabel = "KEY VALUE", description = "config overrides, KEY VALUE ...")
    List<String> opts = new ArrayList<>();

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
        List<String> all = new ArrayList<>(opts);
        if (out != null) {
            all.addAll(List.of("OUTPUT", out.toString()));
        }
        if (pretrained != null) {
            all.addAll(List.of("MODEL.PRETRAINED", pretrained.toString()));
        }
        if (batch != null) {
            all.addAll(List.of("TRAIN.BATCH_SIZE", batch.toString()));
        }
        if (accumulationSteps != null) {
            all.addAll(List.of("TRAIN.ACCUMULATION_STEPS", accumulationSteps.toString()));
        }
        TrainConfig cfg = TrainConfig.load(config, all);
        String line = typedCommandLine();
        if (onlyTest || cfg.bool("TEST.ONLY_TEST")) {
            MissingData.check(config, cfg, List.of("DATA.VAL_FILE", "DATA.LABEL_LIST"));
            Path model = cfg.string("MODEL.PRETRAINED") != null ? Path.of(cfg.string("MODEL.PRETRAINED"))
                    : Path.of(cfg.string("OUTPUT"), "model");
            Path outDir = cfg.string("OUTPUT").isEmpty() ? null : Path.of(cfg.string("OUTPUT"));
            EvalRun.run(cfg, new EvalRun.Options(config, model, outDir, null, outStream(), line,
                    ConsoleProgress.FACTORY));
            return 0;
        }
        MissingData.check(config, cfg, List.of("DATA.TRAIN_FILE", "DATA.VAL_FILE", "DATA.LABEL_LIST"));
        TrainRun.run(cfg, new TrainRun.Options(config, resume, -1, outStream(), line, ConsoleProgress.FACTORY));
        return 0;
    }
}

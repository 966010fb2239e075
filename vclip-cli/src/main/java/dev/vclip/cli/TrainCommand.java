package dev.vclip.cli;

import dev.vclip.report.RunReport;
import dev.vclip.train.EvalRun;
import dev.vclip.train.TrainConfig;
import dev.vclip.train.TrainRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "train", description = {
        "Train or fine-tune an X-CLIP or CLIP (ViFi-CLIP) model from a YAML config with the seeds' keys (DATA.*, "
                + "MODEL.*, TRAIN.*, AUG.*, TEST.*, TRAINER.ViFi_CLIP.*): AdamW, cosine schedule with warm-up, "
                + "label smoothing, mixup/cutmix, gradient accumulation, checkpoints and --resume.",
        "Writes OUTPUT/log.jsonl (one line per step), OUTPUT/checkpoints/step-N, OUTPUT/model (a model folder for "
                + "vclip zeroshot --model) and OUTPUT/report.html.",
        "Example: vclip train -cfg configs/k400/32_8.yaml --output runs/k400 --opts TRAIN.BATCH_SIZE 4 "
                + "TRAIN.ACCUMULATION_STEPS 8"})
final class TrainCommand implements Callable<Integer> {

    @Option(names = {"-cfg", "--config"}, required = true, paramLabel = "FILE", description = "YAML config")
    Path config;

    @Option(names = "--output", paramLabel = "DIR", description = "output folder (sets OUTPUT)")
    Path output;

    @Option(names = "--opts", arity = "1..*", paramLabel = "KEY VALUE", description = "config overrides, KEY VALUE ...")
    List<String> opts = new ArrayList<>();

    @Option(names = "--resume", description = "continue from the newest checkpoint in OUTPUT/checkpoints")
    boolean resume;

    @Option(names = "--pretrained", paramLabel = "DIR", description = "model folder to start from (sets MODEL.PRETRAINED)")
    Path pretrained;

    @Option(names = {"--batch-size"}, paramLabel = "N", description = "sets TRAIN.BATCH_SIZE")
    Integer batchSize;

    @Option(names = {"--accumulation-steps"}, paramLabel = "K", description = "sets TRAIN.ACCUMULATION_STEPS")
    Integer accumulationSteps;

    @Option(names = {"--only-test", "--only_test"}, description = "evaluate --pretrained (or OUTPUT/model) on "
            + "DATA.VAL_FILE with TEST.NUM_CLIP x TEST.NUM_CROP views instead of training")
    boolean onlyTest;

    @Override
    public Integer call() {
        // X-CLIP main.py update_config: the file, then --opts, then the dedicated arguments
        List<String> all = new ArrayList<>(opts);
        if (output != null) {
            all.addAll(List.of("OUTPUT", output.toString()));
        }
        if (pretrained != null) {
            all.addAll(List.of("MODEL.PRETRAINED", pretrained.toString()));
        }
        if (batchSize != null) {
            all.addAll(List.of("TRAIN.BATCH_SIZE", batchSize.toString()));
        }
        if (accumulationSteps != null) {
            all.addAll(List.of("TRAIN.ACCUMULATION_STEPS", accumulationSteps.toString()));
        }
        TrainConfig cfg = TrainConfig.load(config, all);
        String line = RunReport.commandLine("vclip", args());
        if (onlyTest || cfg.bool("TEST.ONLY_TEST")) {
            Path model = cfg.string("MODEL.PRETRAINED") != null ? Path.of(cfg.string("MODEL.PRETRAINED"))
                    : Path.of(cfg.string("OUTPUT"), "model");
            Path out = cfg.string("OUTPUT").isEmpty() ? null : Path.of(cfg.string("OUTPUT"));
            EvalRun.run(cfg, new EvalRun.Options(config, model, out, null, System.out, line, ConsoleProgress.FACTORY));
            return 0;
        }
        TrainRun.run(cfg, new TrainRun.Options(config, resume, -1, System.out, line, ConsoleProgress.FACTORY));
        return 0;
    }

    private String[] args() {
        List<String> a = new ArrayList<>(List.of("train", "-cfg", config.toString()));
        if (output != null) {
            a.addAll(List.of("--output", output.toString()));
        }
        if (resume) {
            a.add("--resume");
        }
        if (!opts.isEmpty()) {
            a.add("--opts");
            a.addAll(opts);
        }
        return a.toArray(new String[0]);
    }
}

package dev.vclip.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vclip.data.Captions;
import dev.vclip.data.LabelTable;
import dev.vclip.data.ParseReport;
import dev.vclip.data.Splits;
import dev.vclip.data.TaggedTexts;
import dev.vclip.data.VideoList;
import dev.vclip.data.DatasetJson;
import dev.vclip.eval.DirectionPairs;
import dev.vclip.model.ConfigException;
import dev.vclip.report.Percent;
import dev.vclip.report.Progress;
import dev.vclip.report.RunReport;
import dev.vclip.report.Series;
import dev.vclip.task.ZeroShot;
import dev.vclip.AtomicFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A whole training run from a {@link TrainConfig}, as X-CLIP's {@code main.py main()} runs one: data, model, loss,
 * optimiser and schedule; epochs of optimiser steps with a validation pass after each epoch; checkpoints every
 * {@code SAVE_FREQ} epochs (and after the last) and every {@code TRAIN.CHECKPOINT_STEPS} updates; at the end a
 * validation with {@code TEST.NUM_CLIP × TEST.NUM_CROP} views, the final model as a model folder
 * ({@code OUTPUT/model}), and the report ({@code OUTPUT/report.html}, {@code report.json}) with loss, learning-rate
 * and accuracy curves read back from {@code OUTPUT/log.jsonl}.
 *
 * <p><b>Resuming</b> ({@code --resume}, {@code TRAIN.AUTO_RESUME}, or {@code MODEL.RESUME} naming a checkpoint)
 * restores weights, AdamW moments and step count, loss scale, update count and the data position (epoch and
 * accumulation window), and continues with exactly the batches the interrupted run would have seen; the weights
 * after N updates are the same whether or not the run was stopped on the way. The config must be the checkpoint's,
 * except for keys that do not change the computation (output, logging, checkpoint and test settings).
 */
public final class TrainRun {

    /** Keys that may differ between a checkpoint's config and a resumed run's. */
    static final Set<String> RESUME_FREE_KEYS = Set.of("OUTPUT", "TRAIN.AUTO_RESUME", "MODEL.RESUME", "PRINT_FREQ",
            "TRAIN.NUM_WORKERS", "TRAIN.CHECKPOINT_STEPS", "TRAIN.KEEP_CHECKPOINTS", "SAVE_FREQ", "TEST.NUM_CLIP",
            "TEST.NUM_CROP", "TEST.ONLY_TEST", "TEST.MULTI_VIEW_INFERENCE", "DATA.VAL_FILE", "DATA.ROOT",
            "DATA.TRAIN_FILE", "DATA.LABEL_LIST", "DATA.CAPTIONS", "DATA.TEXTS", "MODEL.PRETRAINED", "DATA.NOVEL_VAL_FILE",
            "DATA.NOVEL_LABEL_LIST");

    /** How to run. {@code stopAfterUpdates} ends the run early (as a kill would), for tests; -1 for none. */
    public record Options(Path configFile, boolean resume, long stopAfterUpdates, PrintStream out,
                          String commandLine, Progress.Factory progress) {
        public static Options defaults(Path configFile) {
            return new Options(configFile, false, -1, new PrintStream(java.io.OutputStream.nullOutputStream()), "",
                    Progress.Factory.SILENT);
        }

        public Options resuming() {
            return new Options(configFile, true, stopAfterUpdates, out, commandLine, progress);
        }

        public Options stoppingAfter(long updates) {
            return new Options(configFile, resume, updates, out, commandLine, progress);
        }
    }

    /** The outcome. {@code finalEval} is null without a validation list or when stopped early. */
    public record Result(Path output, Path model, long updates, int epochsDone, double lastLoss, double bestTop1,
                         ZeroShot.Result finalEval, boolean stoppedEarly, List<String> notes) {
    }

    /** Base-to-novel figures: top-1 on the base validation list, zero-shot top-1 on the novel list, their HM. */
    public record BaseNovel(double base, double novel, double harmonicMean, int novelVideos) {
    }

    private final TrainConfig cfg;
    private final Options options;
    private final ConfigPaths paths;
    private final PrintStream out;
    private final List<String> notes = new ArrayList<>();
    /** The validation set's direction-only twins when it is a vclip synth set, else null. */
    private int[] directionTwins;
    /** Base-to-novel: the novel classes' videos and labels, or null. */
    private VideoList novel;
    private LabelTable novelLabels;
    private TaggedTexts tagged;
    private BaseNovel baseNovel;
    private String precisionNote = "";

    private TrainRun(TrainConfig cfg, Options options) {
        this.cfg = cfg;
        this.options = options;
        this.paths = new ConfigPaths(cfg, options.configFile());
        this.out = options.out();
    }

    public static Result run(TrainConfig cfg, Options options) {
        return new TrainRun(cfg, options).run();
    }

    private Result run() {
        String outputText = cfg.string("OUTPUT");
        if (outputText.isEmpty()) {
            throw new ConfigException("OUTPUT is not set: give --output DIR (or OUTPUT in the config)");
        }
        Path output = Path.of(outputText);
        Path checkpoints = output.resolve("checkpoints");
        removeStaleTemporaries(checkpoints);
        Path resumeFrom = resumePoint(checkpoints);

        // ---------------------------------------------------------------- data
        LabelTable labels = LabelTable.read(paths.existing("DATA.LABEL_LIST", "labels CSV: id,name"));
        if (cfg.isSet("DATA.NUM_CLASSES") && cfg.integer("DATA.NUM_CLASSES") != labels.size()) {
            throw cfg.error("DATA.NUM_CLASSES", "is " + cfg.integer("DATA.NUM_CLASSES") + " but DATA.LABEL_LIST has "
                    + labels.size() + " classes");
        }
        String root = rootOf();
        VideoList train = VideoList.read(paths.existing("DATA.TRAIN_FILE", "training list"), root, labels,
                ParseReport.strict());
        if (cfg.integer("DATA.SHOTS") > 0) {
            train = Splits.kShot(train, cfg.integer("DATA.SHOTS"), cfg.integer("SEED"));
        }
        Path valFile = cfg.string("DATA.VAL_FILE").isEmpty() ? null : paths.existing("DATA.VAL_FILE", "validation list");
        VideoList val = valFile == null ? null : VideoList.read(valFile, root, labels, ParseReport.strict());
        boolean novelFile = !cfg.string("DATA.NOVEL_VAL_FILE").isEmpty();
        if (novelFile != !cfg.string("DATA.NOVEL_LABEL_LIST").isEmpty()) {
            throw cfg.error(novelFile ? "DATA.NOVEL_LABEL_LIST" : "DATA.NOVEL_VAL_FILE", "is not set, but base-to-novel "
                    + "evaluation needs both DATA.NOVEL_VAL_FILE and DATA.NOVEL_LABEL_LIST");
        }
        if (novelFile && val == null) {
            throw cfg.error("DATA.VAL_FILE", "is not set, but base-to-novel evaluation (DATA.NOVEL_VAL_FILE) needs the "
                    + "base classes' validation list");
        }
        if (novelFile) {
            novelLabels = LabelTable.read(paths.existing("DATA.NOVEL_LABEL_LIST", "novel classes' labels CSV"));
            novel = VideoList.read(paths.existing("DATA.NOVEL_VAL_FILE", "novel classes' validation list"), root,
                    novelLabels, ParseReport.strict());
        }
        requireVideos("DATA.TRAIN_FILE", train, root);
        if (val != null) {
            requireVideos("DATA.VAL_FILE", val, root);
        }
        directionTwins = valFile == null ? null
                : DatasetJson.directionTwins(valFile.toAbsolutePath().getParent()).orElse(null);
        boolean contrastive = cfg.string("TRAIN.LOSS").equals("contrastive");
        Captions captions = cfg.string("DATA.CAPTIONS").isEmpty() ? null
                : Captions.read(paths.existing("DATA.CAPTIONS", "captions file"), ParseReport.strict());
        if (captions != null && !contrastive) {
            notes.add("DATA.CAPTIONS is set but TRAIN.LOSS is " + cfg.string("TRAIN.LOSS") + ": the captions are not used");
        }
        boolean joint = cfg.string("TRAIN.LOSS").equals("joint");
        if (joint) {
            // a blend of two clips has no texts about it; X-CLIP's default mixup is off here unless asked for
            for (String key : List.of("AUG.MIXUP", "AUG.CUTMIX")) {
                if (cfg.isSet(key) && cfg.number(key) > 0) {
                    throw cfg.error(key, "is " + cfg.number(key) + ", but TRAIN.LOSS joint pairs each clip with texts "
                            + "about it, and a blend of two clips has no such texts: set it to 0");
                }
            }
            if (cfg.number("AUG.MIXUP") > 0) {
                notes.add("TRAIN.LOSS joint trains without mixup and cutmix (X-CLIP's defaults): a blend of two clips "
                        + "has no texts about it");
            }
        }
        if (!joint && !cfg.string("DATA.TEXTS").isEmpty()) {
            notes.add("DATA.TEXTS is set but TRAIN.LOSS is " + cfg.string("TRAIN.LOSS") + ": the texts are not used");
        }
        tagged = joint ? TaggedTexts.read(paths.existing("DATA.TEXTS", "tagged texts file")) : null;

        // ---------------------------------------------------------------- model
        TrainConfig checkpointConfig = resumeFrom == null ? null : Checkpoints.readConfig(resumeFrom);
        if (checkpointConfig != null) {
            List<String> changed = checkpointConfig.differences(cfg).stream()
                    .filter(k -> !RESUME_FREE_KEYS.contains(k)).toList();
            if (!changed.isEmpty()) {
                List<String> described = changed.stream().map(k -> k + " (checkpoint " + checkpointConfig.asMap().get(k)
                        + ", now " + cfg.asMap().get(k) + ")").toList();
                throw new ConfigException("cannot resume from " + resumeFrom + " with a different config: "
                        + String.join(", ", described) + "; a resumed run must continue the same computation");
            }
        }
        TrainableModel built = resumeFrom != null ? ModelSetup.fromCheckpoint(cfg, resumeFrom) : ModelSetup.build(cfg, paths);
        Precision.Choice precision = Precision.resolve(cfg.string("TRAIN.OPT_LEVEL"), built.root().getDevice());
        var cast = Precision.fp16WorkingCopy();
        if (precision.mode() == Precision.Mode.MIXED_FP16 && cast.isPresent()) {
            built = built.withWorkingCopy(cast.get());
            precisionNote = precision.note();
        } else if (precision.mode() == Precision.Mode.MIXED_FP16) {
            precisionNote = precision.note() + " needs ModelWeights.castCopy, which this build lacks: training in fp32";
        } else {
            precisionNote = precision.note();
        }
        notes.add(precisionNote);
        try (TrainableModel model = built) {
            return train(model, labels, train, val, captions, contrastive, output, checkpoints, resumeFrom);
        }
    }

    private Result train(TrainableModel model, LabelTable labels, VideoList train, VideoList val, Captions captions,
                         boolean contrastive, Path output, Path checkpoints, Path resumeFrom) {
        String template = Evaluation.template(cfg, model.config());
        List<String> classTexts = Evaluation.classTexts(labels, template);
        boolean textTrains = model.plan().trainableNames().stream()
                .anyMatch(n -> n.startsWith("text_model.") || n.startsWith("text_projection"));
        LossHead head = contrastive ? new LossHead.Contrastive()
                : tagged != null ? new LossHead.Joint(classTexts, cfg.number("TRAIN.TEXT_WEIGHT"))
                : new LossHead.Recognition(classTexts, textTrains);
        if (tagged != null && !textTrains) {
            throw cfg.error("TRAIN.LOSS", "is joint, but no text parameter trains: the joint loss teaches the text tower");
        }

        int k = cfg.integer("TRAIN.ACCUMULATION_STEPS");
        Blending blending = !contrastive && tagged == null && cfg.number("AUG.MIXUP") > 0 ? new Blending(cfg.number("AUG.MIXUP"),
                cfg.number("AUG.CUTMIX"), cfg.number("AUG.MIXUP_SWITCH_PROB")) : null;
        TrainingData data = new TrainingData(train.entries(), labels.size(), new TrainingData.Settings(
                cfg.integer("TRAIN.BATCH_SIZE"), cfg.integer("DATA.NUM_FRAMES"), cfg.integer("DATA.INPUT_SIZE"),
                cfg.integer("SEED"), cfg.bool("AUG.TRAIN_AUGMENT"), cfg.number("AUG.FLIP"), cfg.number("AUG.COLOR_JITTER"),
                cfg.number("AUG.GRAY_SCALE"), cfg.number("AUG.LABEL_SMOOTH"), blending,
                cfg.integer("TRAIN.NUM_WORKERS")), captions, c -> classTexts.get(c), contrastive, tagged);
        int micro = data.microPerEpoch();
        if (micro < k) {
            throw cfg.error("TRAIN.ACCUMULATION_STEPS", "is " + k + " but an epoch has only " + micro
                    + " micro-batches (" + data.size() + " videos / TRAIN.BATCH_SIZE " + cfg.integer("TRAIN.BATCH_SIZE")
                    + ")");
        }
        LrSchedule schedule = new LrSchedule(cfg.number("TRAIN.LR"), cfg.integer("TRAIN.EPOCHS"),
                cfg.number("TRAIN.WARMUP_EPOCHS"), micro, k);
        int windows = schedule.updatesPerEpoch();
        int epochs = cfg.integer("TRAIN.EPOCHS");

        try (Trainer trainer = new Trainer(model, head, schedule, new Trainer.Settings(k, cfg.number("TRAIN.CLIP_GRAD"),
                cfg.number("TRAIN.WEIGHT_DECAY")))) {
            int startEpoch = 0;
            int startWindow = 0;
            double best = 0;
            TrainLog log;
            if (resumeFrom != null) {
                Checkpoints.State s = Checkpoints.readState(resumeFrom);
                if (s.microPerEpoch() != micro || s.seed() != cfg.integer("SEED")
                        || !s.trainListDigest().isEmpty() && !s.trainListDigest().equals(data.digest())) {
                    throw new ConfigException("cannot resume from " + resumeFrom + ": it was trained on another "
                            + "training list (" + s.trainVideos() + " videos, " + s.microPerEpoch() + " micro-batches "
                            + "per epoch, SEED " + s.seed() + "; this run: " + data.size() + " videos, " + micro
                            + " micro-batches, SEED " + cfg.integer("SEED") + ")");
                }
                trainer.optimizer().load(resumeFrom.resolve(Checkpoints.OPTIMIZER_FILE), model.trainableParameters());
                trainer.restore(s.updates(), model.isMixed() ? new Precision.LossScaler(s.lossScale(), s.goodSteps()) : null);
                startEpoch = s.epoch();
                startWindow = s.window();
                best = s.bestTop1() * 100; // percent here, like the metrics; a fraction in the file
                log = TrainLog.resume(output.resolve("log.jsonl"), s.updates(), s.epoch());
                notes.add("resumed from " + resumeFrom + " at update " + s.updates() + " (epoch " + s.epoch()
                        + ", window " + s.window() + ")");
                out.println("resume     " + resumeFrom + ": update " + s.updates() + ", epoch " + s.epoch());
            } else {
                log = TrainLog.create(output.resolve("log.jsonl"));
            }
            writeText(output.resolve("config.yaml"), cfg.toYaml());
            printStart(model, data, schedule, template);

            long total = (long) epochs * windows;
            double lastLoss = Double.NaN;
            boolean stopped = false;
            int epoch = startEpoch;
            try (log; Progress progress = options.progress().start("train", total)) {
                progress.stepBy(trainer.updates());
                for (; epoch < epochs && !stopped; epoch++) {
                    int firstWindow = epoch == startEpoch ? startWindow : 0;
                    try (TrainingData.Batches batches = data.batches(epoch, firstWindow * k, windows * k)) {
                        for (int w = firstWindow; w < windows; w++) {
                            Trainer.StepStats st = trainer.step(batches.next(k));
                            lastLoss = st.loss();
                            long step = trainer.updates();
                            log.train(step, epoch, st.loss(), st.lr(), st.gradNorm(), st.clips() / st.seconds(),
                                    st.seconds(), st.skipped());
                            progress.step();
                            if (step % cfg.integer("PRINT_FREQ") == 0 || step == 1) {
                                out.printf(Locale.ROOT, "train      [%d/%d][%d/%d] step %d  lr %.3e  loss %.4f  grad norm "
                                        + "%.3f  %.1f clips/s%n", epoch, epochs, w + 1, windows, step, st.lr(),
                                        st.loss(), st.gradNorm(), st.clips() / st.seconds());
                            }
                            int every = cfg.integer("TRAIN.CHECKPOINT_STEPS");
                            if (every > 0 && step % every == 0) {
                                save(checkpoints, model, trainer, epoch, w + 1, micro, data, best);
                            }
                            if (options.stopAfterUpdates() >= 0 && step >= options.stopAfterUpdates()) {
                                stopped = true;
                                break;
                            }
                        }
                        int e = epoch;
                        batches.failures().forEach(f -> notes.add("skipped video (epoch " + e + "): " + f));
                    }
                    if (stopped) {
                        break;
                    }
                    if (val != null) {
                        ZeroShot.Result r = Evaluation.run(options.progress(), model.evaluationModel(), val.entries(), labels, template,
                                cfg.integer("DATA.NUM_FRAMES"), 1, 1, cfg.integer("TRAIN.NUM_WORKERS"),
                                cfg.integer("TRAIN.BATCH_SIZE"), null, "validate epoch " + epoch);
                        best = Math.max(best, r.metrics().top1());
                        DirectionPairs.Result pairs = directionTwins == null ? null : r.directionPairs(directionTwins);
                        log.validation(epoch, trainer.updates(), r.metrics().top1() / 100, r.metrics().top5() / 100,
                                r.videos().size(), pairs);
                        out.printf(Locale.ROOT, "validate   epoch %d: top-1 %.2f %%  top-5 %.2f %%  (max top-1 %.2f %%)%s%n",
                                epoch, r.metrics().top1(), r.metrics().top5(), best,
                                pairs == null ? "" : "  " + pairs.describe());
                    }
                    if (epoch % cfg.integer("SAVE_FREQ") == 0 || epoch == epochs - 1) {
                        save(checkpoints, model, trainer, epoch + 1, 0, micro, data, best);
                    }
                }
            }
            if (stopped) {
                out.println("stopped    after update " + trainer.updates() + " (as asked)");
                return new Result(output, null, trainer.updates(), epoch, lastLoss, best, null, true, notes);
            }

            ZeroShot.Result finalEval = null;
            if (val != null) {
                int clips = cfg.integer("TEST.NUM_CLIP");
                int crops = cfg.integer("TEST.NUM_CROP");
                finalEval = Evaluation.run(options.progress(), model.evaluationModel(), val.entries(), labels, template, cfg.integer("DATA.NUM_FRAMES"),
                        clips, crops, cfg.integer("TRAIN.NUM_WORKERS"), cfg.integer("TRAIN.BATCH_SIZE"), null,
                        "test " + clips + "x" + crops + " views");
                out.printf(Locale.ROOT, "test       %dx%d views: top-1 %.2f %%  top-5 %.2f %%%s%n", clips, crops,
                        finalEval.metrics().top1(), finalEval.metrics().top5(), directionTwins == null ? ""
                                : "  " + finalEval.directionPairs(directionTwins).describe());
            }
            if (novel != null) {
                int clips = cfg.integer("TEST.NUM_CLIP");
                int crops = cfg.integer("TEST.NUM_CROP");
                ZeroShot.Result n = Evaluation.run(options.progress(), model.evaluationModel(), novel.entries(), novelLabels, template,
                        cfg.integer("DATA.NUM_FRAMES"), clips, crops, cfg.integer("TRAIN.NUM_WORKERS"),
                        cfg.integer("TRAIN.BATCH_SIZE"), null, "novel classes " + clips + "x" + crops + " views");
                double base = finalEval.metrics().top1();
                baseNovel = new BaseNovel(base, n.metrics().top1(),
                        dev.vclip.eval.BaseToNovel.harmonicMean(base, n.metrics().top1()), n.videos().size());
                out.printf(Locale.ROOT, "novel      %d videos of %d unseen classes: top-1 %.2f %%  (base %.2f %%, HM %.2f)%n",
                        n.videos().size(), novelLabels.size(), baseNovel.novel(), base, baseNovel.harmonicMean());
            }
            Path modelDir = output.resolve("model");
            Checkpoints.saveModel(modelDir, model.config(), model.master(), model.tokenizerDir());
            out.println("model      " + modelDir + " (config.json + model.safetensors)");
            Result result = new Result(output, modelDir, trainer.updates(), epochs, lastLoss, best, finalEval, false, notes);
            writeReport(result, model, data, schedule);
            return result;
        }
    }

    private void save(Path checkpoints, TrainableModel model, Trainer trainer, int epoch, int window, int micro,
                      TrainingData data, double best) {
        Precision.LossScaler s = trainer.scaler();
        Checkpoints.State state = new Checkpoints.State(trainer.updates(), epoch, window,
                trainer.optimizer().stepCount(), s == null ? Precision.LossScaler.INIT_SCALE : s.scale(),
                s == null ? 0 : s.goodSteps(), cfg.integer("SEED"), micro, data.size(), data.digest(), best / 100);
        Path dir = Checkpoints.saveCheckpoint(checkpoints, model, trainer.optimizer(), state, cfg,
                cfg.integer("TRAIN.KEEP_CHECKPOINTS"));
        out.println("checkpoint " + dir);
    }

    /** The checkpoint to resume from, or null for a fresh start (which refuses an OUTPUT with checkpoints). */
    private Path resumePoint(Path checkpoints) {
        String explicit = cfg.string("MODEL.RESUME");
        if (explicit != null) {
            Path dir = paths.existing("MODEL.RESUME", "a checkpoint folder to resume from");
            if (!Files.isRegularFile(dir.resolve(Checkpoints.STATE_FILE))) {
                throw cfg.error("MODEL.RESUME", "names '" + dir + "', which is not a vclip checkpoint (no "
                        + Checkpoints.STATE_FILE + ")");
            }
            return dir;
        }
        Path latest = Checkpoints.latest(checkpoints);
        if (options.resume() || cfg.bool("TRAIN.AUTO_RESUME")) {
            if (latest == null && options.resume()) {
                throw new ConfigException("--resume: no checkpoint in " + checkpoints);
            }
            return latest;
        }
        if (latest != null) {
            throw new ConfigException(cfg.string("OUTPUT") + " already has checkpoints (" + latest.getFileName()
                    + "): pass --resume to continue that run, or choose another --output");
        }
        return null;
    }

    /**
     * Fails before any training when none of a list's videos exists (a list read under the wrong DATA.ROOT would
     * otherwise end an hour-long run at its first validation), and notes the missing ones when only some are.
     */
    private void requireVideos(String key, VideoList list, String root) {
        List<String> missing = new ArrayList<>();
        for (dev.vclip.data.VideoEntry e : list.entries()) {
            String spec = e.spec();
            boolean exists = Files.exists(Path.of(spec)) || dev.vclip.video.VideoSources.tarMember(spec)
                    .map(t -> Files.isRegularFile(t.archive())).orElse(false);
            if (!exists) {
                missing.add(spec);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        if (missing.size() == list.size()) {
            throw cfg.error(key, "lists " + list.size() + " videos and none of them exists (first: " + missing.get(0)
                    + "); its paths are read under DATA.ROOT (" + root + ")");
        }
        notes.add(missing.size() + " of the " + list.size() + " videos of " + key + " do not exist and will be "
                + "skipped (first: " + missing.get(0) + ")");
    }

    private String rootOf() {
        Path root = paths.resolve("DATA.ROOT");
        if (root != null) {
            return root.toString();
        }
        Path list = paths.resolve("DATA.TRAIN_FILE");
        Path folder = list == null ? null : list.toAbsolutePath().getParent();
        return folder != null && Files.isDirectory(folder.resolve("videos")) ? folder.resolve("videos").toString()
                : folder == null ? "" : folder.toString();
    }

    private static void removeStaleTemporaries(Path checkpoints) {
        if (!Files.isDirectory(checkpoints)) {
            return;
        }
        try (Stream<Path> s = Files.list(checkpoints)) {
            s.filter(p -> p.getFileName().toString().startsWith(".step-")).forEach(Checkpoints::deleteTree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void printStart(TrainableModel model, TrainingData data, LrSchedule schedule, String template) {
        ParameterPlan plan = model.plan();
        out.printf(Locale.ROOT, "model      %s, %,d parameters, %,d trainable (%s)%n", model.config().modelType(),
                plan.totalCount(), plan.trainableCount(), plan.groups());
        out.printf(Locale.ROOT, "data       %d training videos, %d micro-batches of %d per epoch, %d updates per epoch "
                        + "(accumulation %d), %d epochs%n", data.size(), data.microPerEpoch(),
                cfg.integer("TRAIN.BATCH_SIZE"), schedule.updatesPerEpoch(), cfg.integer("TRAIN.ACCUMULATION_STEPS"),
                cfg.integer("TRAIN.EPOCHS"));
        out.printf(Locale.ROOT, "schedule   cosine from %.3e, %d warm-up micro-steps, min %.3e%n", schedule.baseLr(),
                schedule.warmupSteps(), schedule.baseLr() / 100);
        out.println("precision  " + precisionNote);
        out.println("texts      template '" + template + "'");
    }

    private void writeReport(Result result, TrainableModel model, TrainingData data, LrSchedule schedule) {
        List<JsonNode> lines = TrainLog.read(result.output().resolve("log.jsonl"));
        List<Double> steps = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        List<Double> lrs = new ArrayList<>();
        List<Double> norms = new ArrayList<>();
        List<Double> epochs = new ArrayList<>();
        List<Double> top1 = new ArrayList<>();
        List<Double> top5 = new ArrayList<>();
        List<Double> directionTop1 = new ArrayList<>();
        List<Double> order = new ArrayList<>();
        for (JsonNode n : lines) {
            if ("train".equals(n.path("type").asText())) {
                if (n.path("loss").isNumber()) {
                    steps.add(n.path("step").asDouble());
                    losses.add(n.path("loss").asDouble());
                    lrs.add(n.path("lr").asDouble());
                    norms.add(n.path("grad_norm").asDouble());
                }
            } else if ("val".equals(n.path("type").asText())) {
                epochs.add(n.path("epoch").asDouble() + 1);
                top1.add(100 * TrainLog.rate(n, "top1")); // the chart shows percent
                top5.add(100 * TrainLog.rate(n, "top5"));
                if (n.has("direction_top1")) {
                    directionTop1.add(100 * TrainLog.rate(n, "direction_top1"));
                    order.add(100 * TrainLog.rate(n, "order"));
                }
            }
        }
        RunReport report = RunReport.create("Training (" + cfg.string("TRAIN.LOSS") + ")", options.commandLine());
        report.summary("model", model.config().modelType() + (cfg.string("MODEL.PRETRAINED") != null
                ? " from " + cfg.string("MODEL.PRETRAINED") : " " + cfg.string("MODEL.ARCH") + " random init"))
                .summary("updates", result.updates())
                .summary("epochs", result.epochsDone())
                .summary("training videos", data.size())
                .summary("trainable parameters", model.plan().trainableCount())
                .summary("final loss", result.lastLoss(), "");
        if (result.finalEval() != null) {
            report.summary("top-1", result.finalEval().metrics().top1() / 100, "%")
                    .summary("top-5", result.finalEval().metrics().top5() / 100, "%")
                    .summary("best epoch top-1", result.bestTop1() / 100, "%");
            if (baseNovel != null) {
                report.summary("base-to-novel: base top-1", baseNovel.base() / 100, "%")
                        .summary("base-to-novel: novel top-1", baseNovel.novel() / 100, "%")
                        .summary("base-to-novel: HM", baseNovel.harmonicMean() / 100, "%");
                report.json("base_to_novel", Map.of(Percent.UNIT_KEY, Percent.UNIT, "base_top1", baseNovel.base() / 100,
                        "novel_top1", baseNovel.novel() / 100, "hm", baseNovel.harmonicMean() / 100,
                        "novel_videos", baseNovel.novelVideos()));
            }
            Map<String, Object> test = new java.util.LinkedHashMap<>();
            test.put(Percent.UNIT_KEY, Percent.UNIT);
            test.put("top1", result.finalEval().metrics().top1() / 100);
            test.put("top5", result.finalEval().metrics().top5() / 100);
            test.put("videos", result.finalEval().videos().size());
            if (directionTwins != null) {
                DirectionPairs.Result pairs = result.finalEval().directionPairs(directionTwins);
                report.summary("top-1, direction-only classes", pairs.top1(), "%")
                        .summary("order (true class above its twin)", pairs.pairAccuracy(), "%");
                test.put("direction_only_top1", pairs.top1());
                test.put("order_accuracy", pairs.pairAccuracy());
            }
            report.json("test", test);
        }
        if (!steps.isEmpty()) {
            lineChart(report, "Training loss", "loss", steps, losses, "loss");
            lineChart(report, "Learning rate", "lr (TRAIN.LR group)", steps, lrs, "learning rate");
            lineChart(report, "Gradient norm (before clipping)", "global norm", steps, norms, "norm");
        }
        if (!epochs.isEmpty()) {
            List<Series> series = new ArrayList<>(List.of(Series.xy("top-1", epochs, top1),
                    Series.xy("top-5", epochs, top5)));
            if (directionTop1.size() == epochs.size()) {
                series.add(Series.xy("top-1, direction-only classes", epochs, directionTop1));
                series.add(Series.xy("order (true class above its twin)", epochs, order));
            }
            report.lineChart("Validation accuracy (1 view)", series, "epoch", "accuracy (%)");
        }
        List<List<Object>> groups = new ArrayList<>();
        model.plan().groups().forEach((g, n) -> groups.add(List.of(g, n)));
        report.table("Optimiser groups (AdamW, betas 0.9/0.98, eps 1e-8)", List.of("group", "parameters"), groups);
        List<List<Object>> config = new ArrayList<>();
        for (Map.Entry<String, Object> e : cfg.asMap().entrySet()) {
            config.add(List.of(e.getKey(), String.valueOf(e.getValue()), cfg.origin(e.getKey())));
        }
        report.table("Configuration", List.of("key", "value", "from"), config);
        report.notes("Notes", result.notes());
        report.json("training", Map.of(Percent.UNIT_KEY, Percent.UNIT, "updates", result.updates(),
                "last_loss", result.lastLoss(), "best_top1", result.bestTop1() / 100,
                "schedule_total_micro_steps", schedule.totalSteps(),
                "schedule_warmup_micro_steps", schedule.warmupSteps()));
        report.writeJson(result.output().resolve("report.json"));
        report.writeHtml(result.output().resolve("report.html"));
        out.println("report     " + result.output().resolve("report.html") + " (and report.json, log.jsonl)");
    }

    /**
     * A line chart of one logged quantity. Non-finite points are left out, and a series spanning more than 1e12
     * (a diverging run) is drawn as log10: XChart 4.0.3's tick computation never returns for values around 1e18.
     */
    private static void lineChart(RunReport report, String title, String name, List<Double> x, List<Double> y,
                                  String axis) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            if (Double.isFinite(y.get(i))) {
                xs.add(x.get(i));
                ys.add(y.get(i));
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        double max = ys.stream().mapToDouble(Math::abs).max().orElse(0);
        if (max > 1e12) {
            ys.replaceAll(v -> Math.log10(Math.max(Math.abs(v), 1e-30)));
            report.lineChart(title + " (log10)", List.of(Series.xy(name, xs, ys)), "optimiser step", "log10 " + axis);
        } else {
            report.lineChart(title, List.of(Series.xy(name, xs, ys)), "optimiser step", axis);
        }
    }

    private static void writeText(Path file, String text) {
        AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}

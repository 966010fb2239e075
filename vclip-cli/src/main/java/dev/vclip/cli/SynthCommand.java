package dev.vclip.cli;

import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.data.synth.Action;
import dev.vclip.data.synth.DatasetPlan;
import dev.vclip.data.synth.Split;
import dev.vclip.data.synth.SynthConfig;
import dev.vclip.data.synth.SyntheticDataset;
import dev.vclip.data.synth.VideoCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

@Command(name = "synth", mixinStandardHelpOptions = true, description = {
        "Generate a synthetic video-text dataset (coloured shapes moving, rotating, growing, appearing... on "
                + "textured backgrounds) as real mp4 files with every annotation format vclip reads: X-CLIP lists "
                + "and labels, few-shot and base-to-novel splits, retrieval captions (CSV and MSR-VTT JSON), "
                + "localisation triplets for long videos, and dataset.json describing it all.",
        "Direction-only class pairs (moving left/right, growing/shrinking, ...) need frame order to be told apart.",
        "The same --seed and settings give the same annotation files and the same decoded frames.",
        "Example: vclip synth --out synth --seed 1 --preset small"})
final class SynthCommand extends VclipCommand {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (new or empty, "
            + "unless --force)")
    Path out;

    @Option(names = "--seed", paramLabel = "N",
            description = "random seed (default: ${DEFAULT-VALUE}; configs/synth/run.sh uses 0)")
    long seed = 1;

    @Option(names = "--preset", paramLabel = "small|medium|large", description = "dataset size: small = 12 clips "
            + "per class and 2 long videos of 60+ s (seconds to make); medium = 48 and 4 of 75+ s; large = 160 and 12 of "
            + "90+ s "
            + "(default: ${DEFAULT-VALUE})")
    String preset = "small";

    @Option(names = "--clips-per-class", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "short clips per class (overrides --preset)")
    Integer clipsPerClass;

    @Option(names = "--long-videos", paramLabel = "N", converter = Checks.AtLeastZero.class,
            description = "long videos for localisation (overrides "
            + "--preset; 0 for none)")
    Integer longVideos;

    @Option(names = "--long-seconds", paramLabel = "S", converter = Checks.AtLeastOne.class,
            description = "minimum long-video length in seconds "
            + "(overrides --preset; each is up to 25%% longer)")
    Integer longSeconds;

    @Option(names = "--clip-frames", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "frames per short clip (default: 24)")
    Integer clipFrames;

    @Option(names = "--fps", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "frames per second of all videos (default: 10)")
    Integer fps;

    @Option(names = "--resolution", paramLabel = "WxH", description = "frame size, even numbers (default: 128x128)")
    String resolution;

    @Option(names = "--captions", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "retrieval captions per clip (default: 5)")
    Integer captions;

    @Option(names = "--classes", paramLabel = "NAMES", split = ",", description = "only these classes, e.g. "
            + "--classes \"moving left,moving right\" (default: all 11)")
    List<String> classes;

    @Option(names = "--codec", paramLabel = "auto|h264|mpeg4", description = "video codec; auto tries H.264 "
            + "(libopenh264) and falls back to MPEG-4 (default: ${DEFAULT-VALUE})")
    String codec = "auto";

    @Option(names = "--no-tar", description = "do not write videos.tar (the clips in one archive, X-CLIP's "
            + "DATA.ROOT option 2; written by default)")
    boolean noTar;

    @Option(names = "--threads", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "videos encoded in parallel (default: all cores; "
            + "the output does not depend on it)")
    Integer threads;

    @Option(names = "--force", description = "write into a folder that already has files: files with the names "
            + "synth writes are replaced, all others are kept")
    boolean force;

    @Override
    public Integer call() {
        SynthConfig config = config();
        int totalVideos = config.classes().size() * config.clipsPerClass() + config.longVideos();
        out().printf("synth: %d classes x %d clips + %d long videos, %dx%d at %d fps, seed %d -> %s%n",
                config.classes().size(), config.clipsPerClass(), config.longVideos(), config.width(),
                config.height(), config.fps(), config.seed(), out);
        long start = System.nanoTime();
        int every = Math.max(1, (totalVideos + 9) / 10); // about ten progress lines
        SyntheticDataset.Summary s;
        try {
            s = SyntheticDataset.generate(out, config, force, (done, total, file) -> {
                if (done % every == 0 || done == total) {
                    out().printf("  %4d/%d videos  %5.1f s  %s%n", done, total,
                            (System.nanoTime() - start) / 1e9, file);
                }
            });
        } catch (IllegalStateException e) { // no encoder, or encoding failed: an environment problem, not a bug
            err().println("error: " + e.getMessage());
            return 1;
        }
        DatasetPlan plan = s.plan();
        int events = plan.longVideos().stream().mapToInt(v -> v.events().size()).sum();
        out().printf("classes    %d (%d direction-only pairs; base/novel %d/%d)%n", config.classes().size(),
                plan.directionPairs().size(), plan.baseClasses().size(), plan.novelClasses().size());
        out().printf("clips      %d (train %d, val %d), %d frames each, %d captions each%n",
                plan.clips().size(), plan.clips(Split.TRAIN).size(), plan.clips(Split.VAL).size(),
                config.clipFrames(), config.captionsPerVideo());
        out().printf("few-shot   K = %s%n", plan.fewShotShots());
        out().printf("long       %d videos, %d events%s%n", plan.longVideos().size(), events,
                plan.longVideos().isEmpty() ? "" : String.format(", %.0f-%.0f s", plan.longVideos().stream()
                        .mapToDouble(v -> v.seconds()).min().orElse(0), plan.longVideos().stream()
                        .mapToDouble(v -> v.seconds()).max().orElse(0)));
        out().printf("codec      %s (%s), %d frames%n", s.codec().codecName(), s.codec().encoderName(),
                s.frames());
        out().printf("size       %.1f MB in %d files (videos %.1f MB)%n", s.totalBytes() / 1e6, s.files(),
                s.videoBytes() / 1e6);
        out().printf("time       %.1f s%n", s.seconds());
        out().println("wrote      " + out.resolve("dataset.json"));
        return 0;
    }

    /** The preset with the options given on top. */
    SynthConfig config() {
        SynthConfig c = SynthConfig.of(SynthConfig.Size.parse(preset)).withSeed(seed)
                .withCodec(VideoCodec.Choice.parse(codec)).withTar(!noTar);
        if (clipsPerClass != null) {
            c = c.withClipsPerClass(clipsPerClass);
        }
        if (longVideos != null || longSeconds != null) {
            c = c.withLongVideos(longVideos != null ? longVideos : c.longVideos(),
                    longSeconds != null ? longSeconds : c.longSeconds());
        }
        if (clipFrames != null) {
            c = c.withClipFrames(clipFrames);
        }
        if (fps != null) {
            c = c.withFps(fps);
        }
        if (resolution != null) {
            int[] wh = SynthConfig.parseResolution(resolution);
            c = c.withResolution(wh[0], wh[1]);
        }
        if (captions != null) {
            c = c.withCaptionsPerVideo(captions);
        }
        if (classes != null) {
            List<Action> chosen = new ArrayList<>();
            for (String name : classes) {
                chosen.add(Action.parse(name));
            }
            c = c.withClasses(chosen);
        }
        if (threads != null) {
            c = c.withThreads(threads);
        }
        return c.validate();
    }
}

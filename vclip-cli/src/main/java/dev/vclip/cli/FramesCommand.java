package dev.vclip.cli;

import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.video.ClipImageProcessor;
import dev.vclip.video.FfmpegVideo;
import dev.vclip.video.FrameFolder;
import dev.vclip.video.RgbFrame;
import dev.vclip.video.Sampling;
import dev.vclip.video.VideoInfo;
import dev.vclip.video.VideoSource;
import dev.vclip.video.VideoSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

@Command(name = "frames", mixinStandardHelpOptions = true, description = {
        "Sample frames from a video the way a model does and write them as PNG, optionally with the model's view "
                + "(resize + centre crop), to see what the model sees.",
        "Example: vclip frames synth/videos/moving_left_000.mp4 --num-frames 8 --out frames --size 224"})
final class FramesCommand extends VclipCommand {

    enum Strategy { middle, tsn, fps, range }

    @Parameters(index = "0", paramLabel = "VIDEO",
            description = "a video file, a folder of extracted frames, or archive.tar#member")
    String video;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder for the PNG files")
    Path out;

    @Option(names = "--num-frames", defaultValue = "8", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "frames per view (segments for middle/tsn/range, the cap for fps; default ${DEFAULT-VALUE})")
    int numFrames;

    @Option(names = "--strategy", defaultValue = "middle", paramLabel = "NAME",
            description = "middle (X-CLIP test: segment middles), tsn (random frame per segment), "
                    + "fps (fixed rate, see --target-fps), range (segment middles in --start..--end); "
                    + "default ${DEFAULT-VALUE}")
    Strategy strategy;

    @Option(names = "--num-clips", defaultValue = "1", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "temporal views for middle (evenly spaced offsets) and tsn (independent draws)")
    int numClips;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "random seed for tsn (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--target-fps", defaultValue = "3", paramLabel = "FPS",
            description = "rate for the fps strategy (CenterCLIP uses 3; default ${DEFAULT-VALUE})")
    double targetFps;

    @Option(names = "--start", paramLabel = "FRAME", converter = Checks.AtLeastZero.class,
            description = "first frame of the range strategy")
    Integer start;

    @Option(names = "--end", paramLabel = "FRAME", converter = Checks.AtLeastOne.class,
            description = "end (exclusive) of the range strategy")
    Integer end;

    @Option(names = "--size", paramLabel = "PIXELS", converter = Checks.AtLeastOne.class,
            description = "also write the model's view: shortest edge to PIXELS (bicubic), centre crop PIXELS x PIXELS")
    Integer size;

    @Option(names = "--fps", paramLabel = "FPS", description = "frame rate of a frame folder (default 30)")
    Double folderFps;

    @Override
    public Integer call() {
        if (targetFps <= 0) {
            throw usage("--target-fps must be above 0, not " + targetFps);
        }
        Sampling sampling = switch (strategy) {
            case middle -> new Sampling.SegmentMiddle(numFrames, numClips);
            case tsn -> new Sampling.TsnRandom(numFrames, numClips, new Random(seed));
            case fps -> new Sampling.FixedFps(targetFps, numFrames);
            case range -> {
                if (start == null || end == null) {
                    throw usage("--strategy range needs --start and --end");
                }
                yield new Sampling.FrameRange(start, end, numFrames);
            }
        };
        ClipImageProcessor processor = size == null ? null : ClipImageProcessor.forImageSize(size);
        try (VideoSource source = openSource()) {
            VideoInfo info = source.info();
            out().println("video      " + info.source());
            out().printf("frames     %d at %.3f fps (%.2f s)%n", info.frameCount(), info.fps(),
                    info.durationSeconds());
            out().println("size       " + info.width() + "x" + info.height()
                    + (info.rotationDegrees() != 0 ? " (rotated " + info.rotationDegrees() + " deg clockwise)" : ""));
            out().println("codec      " + info.codec());
            if (source instanceof FfmpegVideo f) {
                out().println("counted by " + f.countMethod()
                        + (f.containerFrameCount() > 0 && f.containerFrameCount() != info.frameCount()
                        ? " (the container declares " + f.containerFrameCount() + ")" : ""));
            }
            int[][] views = sampling.views(info.frameCount(), info.fps());
            out().println("strategy   " + describe(sampling));
            for (int v = 0; v < views.length; v++) {
                out().println((views.length > 1 ? "view " + v + "     " : "indices    ")
                        + Arrays.stream(views[v]).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
            }
            int[] indices = sampling.indices(info.frameCount(), info.fps());
            long t0 = System.nanoTime();
            List<RgbFrame> frames = source.read(indices);
            double ms = (System.nanoTime() - t0) / 1e6;
            Files.createDirectories(out);
            int written = 0;
            for (int i = 0; i < indices.length; i++) {
                String stem = String.format("frame_%03d_idx_%05d", i, indices[i]);
                write(frames.get(i), out.resolve(stem + ".png"));
                written++;
                if (processor != null) {
                    write(processor.resizeAndCrop(frames.get(i)), out.resolve(stem + "_model" + size + ".png"));
                    written++;
                }
            }
            out().printf("decoded    %d frames in %.0f ms%n", indices.length, ms);
            out().println("wrote      " + written + " PNG files to " + out.toAbsolutePath().normalize());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + out + ": " + e.getMessage(), e);
        }
        return 0;
    }

    private VideoSource openSource() {
        Path p = Path.of(video);
        if (folderFps != null && Files.isDirectory(p)) {
            return FrameFolder.open(p, folderFps);
        }
        return VideoSources.open(video);
    }

    private String describe(Sampling s) {
        if (s instanceof Sampling.SegmentMiddle m) {
            return "middle: the middle frame of each of " + m.numSegments() + " equal segments"
                    + (m.numClips() > 1 ? ", " + m.numClips() + " views" : "");
        }
        if (s instanceof Sampling.TsnRandom t) {
            return "tsn: a random frame in each of " + t.numSegments() + " segments (seed " + seed + ")"
                    + (t.numViews() > 1 ? ", " + t.numViews() + " views" : "");
        }
        if (s instanceof Sampling.FixedFps f) {
            return "fps: " + f.targetFps() + " frames per second, at most " + f.maxFrames();
        }
        Sampling.FrameRange r = (Sampling.FrameRange) s;
        return "range: " + r.numFrames() + " segment middles in [" + r.start() + ", " + r.endExclusive() + ")";
    }

    private static void write(RgbFrame frame, Path file) throws IOException {
        if (!ImageIO.write(frame.toBufferedImage(), "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }
}

package dev.vclip.bench;

import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.data.FrameCache;
import dev.vclip.data.ParseReport;
import dev.vclip.data.PrefetchLoader;
import dev.vclip.data.VideoEntry;
import dev.vclip.data.VideoList;
import dev.vclip.task.ClipSampler;
import dev.vclip.video.Sampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

@Command(name = "data", mixinStandardHelpOptions = true, description = {
        "Input-pipeline throughput on the training list (train.txt) of a vclip synth folder: decode + sample + "
                + "resize/crop per clip from the videos, the same clips read back from the LMDB frame cache, and the "
                + "prefetching loader with N workers. Reports frames/s and the ratios.",
        "Example: vclip bench data --dataset synth --workers 2"})
final class DataBench extends VclipCommand {

    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "a vclip synth folder")
    Path dataset;

    @Option(names = "--num-frames", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "frames per clip (default: ${DEFAULT-VALUE})")
    int frames = 8;

    @Option(names = "--size", paramLabel = "PIXELS", converter = Checks.AtLeastOne.class,
            description = "model input size (default: ${DEFAULT-VALUE})")
    int size = 224;

    @Option(names = "--workers", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "loader threads (default: ${DEFAULT-VALUE})")
    int workers = 2;

    @Override
    public Integer call() throws Exception {
        List<VideoEntry> entries = VideoList.read(dataset.resolve("train.txt"), dataset.resolve("videos").toString(),
                null, VideoList.Layout.AUTO, ParseReport.strict()).entries();
        List<String> specs = entries.stream().map(VideoEntry::spec).toList();
        Sampling sampling = new Sampling.SegmentMiddle(frames, 1);
        Path cacheDir = Files.createTempDirectory("vclip-bench-cache");
        try (FrameCache cache = FrameCache.open(cacheDir)) {
            ClipSampler plain = new ClipSampler(sampling, size, 1, null);
            ClipSampler cached = new ClipSampler(sampling, size, 1, cache);
            specs.forEach(plain::decode); // warm-up: JIT, page cache
            double decodeSeconds = time(() -> specs.forEach(plain::decode));
            specs.forEach(cached::read); // fills the cache
            double cacheSeconds = time(() -> specs.forEach(s -> cache.get(FrameCache.key(Path.of(s), s, cached.describe()))));
            double loaderSeconds = time(() -> {
                try (PrefetchLoader<String, ClipSampler.Clips> loader = PrefetchLoader.start(specs, workers, 4 * workers,
                        (spec, i) -> plain.read(spec), null)) {
                    loader.forEach(r -> { });
                }
            });
            double clipFrames = (double) specs.size() * frames;
            out().printf("clips      %d x %d frames at %d px, %d loader workers, %d cores%n", specs.size(), frames,
                    size, workers, Runtime.getRuntime().availableProcessors());
            out().printf("%-44s %10s %10s%n", "path", "frames/s", "ratio");
            out().printf("%-44s %10.0f %10.2f%n", "decode + sample + resize/crop (1 thread)",
                    clipFrames / decodeSeconds, 1.0);
            out().printf("%-44s %10.0f %10.2f%n", "LMDB frame cache read (1 thread)", clipFrames / cacheSeconds,
                    decodeSeconds / cacheSeconds);
            out().printf("%-44s %10.0f %10.2f%n", "prefetching loader, normalised pixels (" + workers + " workers)",
                    clipFrames / loaderSeconds, decodeSeconds / loaderSeconds);
        } finally {
            ScratchFolder.delete(cacheDir);
        }
        return 0;
    }

    private static double time(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return (System.nanoTime() - start) / 1e9;
    }
}

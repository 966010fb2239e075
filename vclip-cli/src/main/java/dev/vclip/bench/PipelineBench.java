package dev.vclip.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.AtomicFiles;
import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.task.ClipSampler;
import dev.vclip.task.VideoEncoder;
import dev.vclip.video.Sampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static dev.vclip.bench.Stats.median;

@Command(name = "pipeline", mixinStandardHelpOptions = true, description = {
        "End to end against the model alone: videos per second when every video of a folder is decoded, sampled, "
                + "resized and encoded as vclip zeroshot does it (decoding on --workers threads ahead of the model), "
                + "against the model alone on the same clips decoded beforehand. Rounds alternate the two.",
        "Example: vclip bench pipeline --videos synth224/videos --model models/xclip-synth"})
final class PipelineBench extends VclipCommand {


    @Option(names = "--videos", required = true, paramLabel = "DIR", description = "a folder of videos (searched "
            + "recursively: .mp4, .avi, .mkv, .webm, .mov, .m4v)")
    Path videos;

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: a random-weight "
            + "xclip-base-patch32)")
    Path model;

    @Option(names = "--workers", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "decoding threads, as zeroshot's --workers (default: ${DEFAULT-VALUE})")
    int workers = 2;

    @Option(names = "--batch", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "videos per model call, as zeroshot's --batch (default: ${DEFAULT-VALUE})")
    int batch = 4;

    @Option(names = "--limit", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "use at most N videos, in name order (default: all)")
    Integer limit;

    @Option(names = "--rounds", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "alternating rounds of both paths (default: ${DEFAULT-VALUE})")
    int rounds = 2;

    @Option(names = "--out", paramLabel = "FILE", description = "also write the results to this JSON file")
    Path out;

    @Option(names = "--json", description = "print the results as one JSON document instead of the table")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<String> specs = listVideos();
        try (VideoTextModel m = model != null ? ModelFolder.load(model)
                : ModelFolder.random(BenchCommand.ModelBench.presetConfig("xclip-base-patch32"), 1)) {
            int frames = m.videoInput().frames();
            int size = m.config().vision().imageSize();
            ClipSampler sampler = new ClipSampler(new Sampling.SegmentMiddle(frames, 1), size, 1, null);

            // decode once on this thread: the decode cost per video, and the clips the model-only path encodes
            List<ClipSampler.Clips> decoded = new ArrayList<>();
            sampler.read(specs.get(0)); // warm-up: FFmpeg, JIT
            long start = System.nanoTime();
            for (String spec : specs) {
                decoded.add(sampler.read(spec));
            }
            double decodeMsPerVideo = (System.nanoTime() - start) / 1e6 / specs.size();
            VideoEncoder encoder = new VideoEncoder(m, sampler, null, workers, batch);
            encoder.encodeClips(decoded.subList(0, 1)); // warm-up

            double[] modelOnly = new double[rounds];
            double[] endToEnd = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                start = System.nanoTime();
                for (int i = 0; i < decoded.size(); i += batch) {
                    encoder.encodeClips(decoded.subList(i, Math.min(decoded.size(), i + batch)));
                }
                modelOnly[r] = specs.size() / ((System.nanoTime() - start) / 1e9);
                start = System.nanoTime();
                VideoEncoder.Result result = new VideoEncoder(m, sampler, null, workers, batch).encodeAll(specs, null);
                endToEnd[r] = specs.size() / ((System.nanoTime() - start) / 1e9);
                if (!result.skipped().isEmpty()) {
                    throw new dev.vclip.VclipException("a video failed in the end-to-end path although it decoded "
                            + "before: " + result.skipped().get(0));
                }
                err().printf(Locale.ROOT, "round %d/%d: model alone %.2f videos/s, end to end %.2f%n", r + 1, rounds,
                        modelOnly[r], endToEnd[r]);
            }
            double mo = median(modelOnly);
            double ee = median(endToEnd);
            ObjectNode root = new ObjectMapper().createObjectNode();
            root.put("videos", specs.size()).put("frames", frames).put("image_size", size).put("workers", workers)
                    .put("batch", batch).put("cores", Runtime.getRuntime().availableProcessors())
                    .put("decode_ms_per_video_one_thread", decodeMsPerVideo)
                    .put("model_only_videos_per_s", mo).put("end_to_end_videos_per_s", ee)
                    .put("end_to_end_fraction_of_model_only", ee / mo);
            root.putPOJO("model_only_rounds", modelOnly);
            root.putPOJO("end_to_end_rounds", endToEnd);
            if (json) {
                printJson(root);
            } else {
                out().printf(Locale.ROOT, "%d videos from %s: %d frames at %d px, batch %d, %d decoding workers, %d "
                        + "cores%n", specs.size(), videos, frames, size, batch, workers,
                        Runtime.getRuntime().availableProcessors());
                out().printf(Locale.ROOT, "decode + sample + resize alone: %.1f ms per video (one thread)%n",
                        decodeMsPerVideo);
                out().printf(Locale.ROOT, "%-48s %12s %8s%n", "path (median of " + rounds + " rounds)", "videos/s",
                        "ratio");
                out().printf(Locale.ROOT, "%-48s %12.2f %8.2f%n", "model alone (clips decoded beforehand)", mo, 1.0);
                out().printf(Locale.ROOT, "%-48s %12.2f %8.2f%n", "end to end (decode overlapped with the model)", ee,
                        ee / mo);
            }
            if (out != null) {
                AtomicFiles.write(out, root.toPrettyString().getBytes(StandardCharsets.UTF_8));
                err().println("wrote " + out);
            }
        }
        return 0;
    }

    private List<String> listVideos() throws IOException {
        if (!Files.isDirectory(videos)) {
            throw usage("--videos " + videos + ": not a folder");
        }
        List<String> specs;
        try (Stream<Path> files = Files.walk(videos)) {
            specs = files.filter(Files::isRegularFile)
                    .filter(p -> dev.vclip.search.LibraryFiles.isVideoName(p.getFileName().toString()))
                    .map(Path::toString).sorted().toList();
        }
        if (specs.isEmpty()) {
            throw new dev.vclip.VclipException(videos + ": no videos (" + String.join(", ",
                    dev.vclip.search.LibraryFiles.VIDEO_EXTENSIONS.stream().sorted().toList()) + ")");
        }
        return limit == null ? specs : specs.subList(0, Math.min(limit, specs.size()));
    }

}

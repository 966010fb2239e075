package dev.vclip.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.cli.base.WindowOptions;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.model.Trace;
import dev.vclip.task.ClipSampler;
import dev.vclip.task.Localisation;
import dev.vclip.task.VideoEncoder;
import dev.vclip.tokenizer.ClipTokenizer;
import dev.vclip.weights.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

@Command(name = "localize", mixinStandardHelpOptions = true, description = {
        "Cached pair scoring against the naive path for localisation: each window encoded once and every query scored "
                + "against the cache, versus a full X-CLIP forward per (window, query) as XCLIP_Baseline runs it. "
                + "Both start from the same decoded pixels; reports the time of each, the ratio and the largest score "
                + "difference.",
        "Example: vclip bench localize synth/long/long_000.mp4 --model models/xclip-synth --queries 4"})
final class LocalizeBench extends VclipCommand {

    @Option(names = "--model", paramLabel = "DIR", description = "an X-CLIP model folder (default: random weights of "
            + "--preset)")
    Path model;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "random-weight architecture without --model (default: ${DEFAULT-VALUE})")
    String preset = "xclip-base-patch32";

    @Parameters(paramLabel = "VIDEO", description = "the long video, as for vclip localize")
    String video;

    @Option(names = "--queries", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "number of queries (default: ${DEFAULT-VALUE})")
    int queryCount = 10;

    @Mixin
    WindowOptions windowing = new WindowOptions();

    @Override
    public Integer call() {
        List<String> queries = new ArrayList<>();
        String[] shapes = {"circle", "square", "triangle", "star", "cross"};
        String[] actions = {"moving left", "moving right", "growing", "shrinking", "rotating"};
        for (int q = 0; q < queryCount; q++) {
            queries.add("a " + shapes[q % shapes.length] + " " + actions[(q / 2) % actions.length]);
        }
        try (VideoTextModel m = model != null ? ModelFolder.load(model)
                : ModelFolder.random(BenchCommand.ModelBench.presetConfig(preset), 1);
             NDManager manager = Torch.newManager()) {
            int frames = m.videoInput().frames();
            int size = m.config().vision().imageSize();
            ClipSampler sampler = windowing.sampler(frames, size);
            ClipSampler.Clips clips = sampler.read(video); // decoding is common to both paths: done once, not timed
            int frameCount = Localisation.frameCount(video);

            long t0 = System.nanoTime();
            VideoEncoder encoder = new VideoEncoder(m, sampler, null, 1, 8);
            VideoEncoder.Encoded encoded = encodeFromPixels(encoder, clips);
            List<Localisation.QueryScores> cached = Localisation.score(m, encoded, frameCount, queries, windowing.window(),
                    windowing.stride());
            double cachedSeconds = (System.nanoTime() - t0) / 1e9;

            t0 = System.nanoTime();
            ClipTokenizer.Encoding text = m.tokenizer().encode(queries, m.config().text().maxPositionEmbeddings(),
                    ClipTokenizer.Framing.HF);
            int perWindow = clips.pixels().length / clips.clips();
            double worst = 0;
            for (int w = 0; w < clips.clips(); w++) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray pixels = step.create(Arrays.copyOfRange(clips.pixels(), w * perWindow, (w + 1) * perWindow),
                            new Shape(1, frames, 3, size, size));
                    for (int q = 0; q < queries.size(); q++) {
                        // the whole model per (window, query): vision tower, text tower, scoring
                        float naive;
                        try (dev.vclip.model.VideoEncoding one = m.encodeVideos(pixels)) {
                            naive = m.logits(one, m.textFeatures(List.of(queries.get(q)), step)).getFloat(0, 0);
                        }
                        worst = Math.max(worst, Math.abs(naive - cached.get(q).windowScores()[w]));
                    }
                }
            }
            double naiveSeconds = (System.nanoTime() - t0) / 1e9;
            out().printf("video      %s: %d frames, %d windows (W=%d, S=%d), %d queries%n", video, frameCount,
                    clips.clips(), windowing.window(), windowing.stride(), queries.size());
            out().printf("cached     %8.2f s  (encode every window once, score all queries against the cache)%n",
                    cachedSeconds);
            out().printf("naive      %8.2f s  (full forward per window x query)%n", naiveSeconds);
            out().printf("ratio      %8.1fx faster; max |score difference| %.2e%n", naiveSeconds / cachedSeconds,
                    worst);
        }
        return 0;
    }

    /** Encodes already decoded window pixels (the benchmark times the model, not the decoder). */
    private static VideoEncoder.Encoded encodeFromPixels(VideoEncoder encoder, ClipSampler.Clips clips) {
        return encoder.encodeClips(clips);
    }
}

package dev.vclip.cli;

import dev.vclip.cli.base.Checks;
import dev.vclip.data.FrameCache;
import dev.vclip.model.VideoTextModel;
import dev.vclip.task.ClipSampler;
import dev.vclip.task.FeatureStore;
import dev.vclip.task.Scoring;
import dev.vclip.task.VideoEncoder;
import dev.vclip.video.Sampling;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Options shared by the commands that encode videos: sampling, caching, threads and where reports go. */
public final class EncodingOptions {

    @Option(names = "--num-frames", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "frames per clip (default: the model's num_frames; 8 for CLIP)")
    Integer numFrames;

    @picocli.CommandLine.Mixin
    CacheOptions caching = new CacheOptions();

    @Option(names = "--workers", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "decoding threads (default: ${DEFAULT-VALUE})")
    int workers = 2;

    @Option(names = "--batch", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "videos per model call (default: ${DEFAULT-VALUE})")
    int batch = 4;

    @Option(names = "--out", paramLabel = "DIR", description = "where the report goes (default: runs/<task>-<time>)")
    Path out;

    int framesFor(VideoTextModel model) {
        return model.videoInput().framesFor(numFrames);
    }

    FeatureStore openStore(VideoTextModel model) {
        Path dir = caching.dir();
        return dir == null ? null : FeatureStore.open(dir, Scoring.modelKey(model));
    }

    VideoEncoder encoder(VideoTextModel model, Sampling sampling, int crops, FeatureStore store) {
        return encoder(model, new ClipSampler(sampling, model.config().vision().imageSize(), crops, (FrameCache) null),
                store);
    }

    /** An encoder of the clips {@code sampler} reads, with these options' threads and batch. */
    VideoEncoder encoder(VideoTextModel model, ClipSampler sampler, FeatureStore store) {
        return new VideoEncoder(model, sampler, store, workers, batch);
    }

    Path outDir(String task) {
        return out != null ? out : Path.of("runs", task + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
}

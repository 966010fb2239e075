package dev.vclip.cli;

import dev.vclip.cli.base.Checks;
import dev.vclip.model.VideoTextModel;
import dev.vclip.task.FeatureStore;
import dev.vclip.task.VideoEncoder;
import dev.vclip.video.Sampling;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Zero-shot recognition's options: the classes ({@code --labels}), their text and the views of each video. */
final class RecognitionOptions {

    @Option(names = "--labels", required = true, paramLabel = "FILE", description = "labels CSV: id,name")
    Path labels;

    @Option(names = "--template", paramLabel = "TEXT", converter = Checks.NotBlank.class,
            description = "class text; {} is the class name (default: '${DEFAULT-VALUE}')")
    String template = "{}";

    @Option(names = "--views", paramLabel = "CLIPSxCROPS", converter = Views.Converter.class, description = "temporal "
            + "clips x spatial crops (1 or 3), as TEST.NUM_CLIP x TEST.NUM_CROP (default: ${DEFAULT-VALUE})")
    Views views = Views.ONE;

    /** An encoder of the views: {@code views.clips()} segment-middle clips, {@code views.crops()} crops each. */
    VideoEncoder encoder(EncodingOptions encoding, VideoTextModel model, FeatureStore store) {
        return encoding.encoder(model, new Sampling.SegmentMiddle(encoding.framesFor(model), views.clips()),
                views.crops(), store);
    }
}

package dev.vclip.task;

import dev.vclip.data.Captions;
import dev.vclip.eval.RetrievalMetrics;
import dev.vclip.model.VideoTextModel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Text–video retrieval as CenterCLIP (after CLIP4Clip) evaluates it: each video and each caption encoded once, the
 * similarity of every caption with every video (for X-CLIP through the prompt generator, pair by pair, in batches),
 * then R@1/5/10, median and mean rank in both directions, with several captions per video. A video that fails to
 * decode is dropped with its captions, and listed; captions longer than the model's context are truncated (as the
 * original code does) and counted.
 */
public final class Retrieval {
    private Retrieval() {
    }

    /**
     * @param sim       [caption][video] logits of the videos that were scored
     * @param videoIds  those videos, in matrix order
     * @param captions  their captions, grouped by video in order
     */
    public record Result(RetrievalMetrics.MultiCaptionResult metrics, float[][] sim, List<String> videoIds,
                         List<String> captions, int[] captionsPerVideo, List<VideoEncoder.Skipped> skipped,
                         int fromCache, List<String> truncatedCaptions) {
    }

    /**
     * @param videoSpec where each video id's file is (a spec for {@code VideoSources.open})
     */
    public static Result run(VideoTextModel model, Captions captions, Function<String, String> videoSpec,
                             VideoEncoder encoder, IntConsumer progress) {
        List<String> ids = captions.videoIds();
        List<String> specs = ids.stream().map(videoSpec).toList();
        VideoEncoder.Result encoded = encoder.encodeAll(specs, progress);
        List<String> keptIds = new ArrayList<>();
        List<VideoEncoder.Encoded> kept = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<Integer> perVideo = new ArrayList<>();
        List<List<String>> grouped = groupedCaptions(captions);
        for (int v = 0; v < ids.size(); v++) {
            if (encoded.encoded().get(v) != null) {
                keptIds.add(ids.get(v));
                kept.add(encoded.encoded().get(v));
                texts.addAll(grouped.get(v));
                perVideo.add(grouped.get(v).size());
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalStateException("no video could be decoded (" + encoded.skipped().size() + " skipped)");
        }
        float[][] textFeatures = Scoring.textFeatures(model, texts);
        float[][] rows = Scoring.logits(model, kept, textFeatures, 32);     // [clip rows][captions]
        float[][] sim = new float[texts.size()][kept.size()];
        int row = 0;
        for (int v = 0; v < kept.size(); v++) {
            int clips = kept.get(v).clips();
            for (int t = 0; t < texts.size(); t++) {
                double sum = 0;
                for (int c = 0; c < clips; c++) {
                    sum += rows[row + c][t];
                }
                sim[t][v] = (float) (sum / clips); // views of one video: mean logit
            }
            row += clips;
        }
        int[] counts = perVideo.stream().mapToInt(Integer::intValue).toArray();
        int context = model.config().text().maxPositionEmbeddings();
        List<String> truncated = texts.stream().filter(t -> model.tokenizer().isTruncated(t, context)).toList();
        return new Result(RetrievalMetrics.multiCaption(sim, counts), sim, keptIds, texts, counts, encoded.skipped(),
                encoded.fromCache(), truncated);
    }

    private static List<List<String>> groupedCaptions(Captions captions) {
        List<List<String>> grouped = new ArrayList<>();
        List<String> all = captions.captionTexts();
        int offset = 0;
        for (int count : captions.captionsPerVideo()) {
            grouped.add(all.subList(offset, offset + count));
            offset += count;
        }
        return grouped;
    }
}

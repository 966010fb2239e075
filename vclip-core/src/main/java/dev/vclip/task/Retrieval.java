package dev.vclip.task;

import dev.vclip.data.AttributeQueries;
import dev.vclip.eval.AttributeRetrieval;
import java.util.Set;

import dev.vclip.data.Captions;
import dev.vclip.data.DatasetFormatException;
import dev.vclip.eval.RetrievalMetrics;
import dev.vclip.model.VideoTextModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Text–video retrieval as CLIP4Clip and CenterCLIP evaluate it: each video and each caption encoded once, the
 * similarity of every caption with every video (for X-CLIP through the prompt generator, pair by pair, in batches),
 * then R@1/5/10, median and mean rank in both directions, grouped and ranked by a {@link Protocol}. A video that
 * fails to decode is dropped with its captions, and listed; captions longer than the model's text context
 * ({@link VideoTextModel#textContext()}) are truncated (as the original code does) and counted.
 */
public final class Retrieval {
    private Retrieval() {
    }

    /** How captions are grouped and ranked: the evaluation protocols of CLIP4Clip's and CenterCLIP's datasets. */
    public enum Protocol {
        /**
         * MSR-VTT 1k-A ({@code MSRVTT_JSFUSION_test.csv}): one caption per video, a square similarity matrix, ranked
         * both ways by {@code compute_metrics} ({@link RetrievalMetrics#singleCaption}). Captions with several
         * sentences for a video are rejected.
         */
        MSRVTT_1K("msrvtt-1k"),
        /**
         * MSVD (and any file with several captions per video): every caption a text query ranked among the videos;
         * a video ranks the caption groups by its best caption ({@link RetrievalMetrics#multiCaption}).
         */
        MSVD("msvd"),
        /**
         * DiDeMo and ActivityNet Captions: a video's sentences joined with a space into one paragraph
         * ({@link Captions#asParagraphs()}), then ranked as {@link #MSRVTT_1K}.
         */
        PARAGRAPH("paragraph");

        private final String id;

        Protocol(String id) {
            this.id = id;
        }

        /** The name the command line takes ("msrvtt-1k", "msvd", "paragraph"). */
        public String id() {
            return id;
        }

        /** The protocol named {@code id} (as {@link #id()}). */
        public static Protocol of(String id) {
            for (Protocol p : values()) {
                if (p.id.equals(id.toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown retrieval protocol '" + id + "': expected msrvtt-1k, msvd or"
                    + " paragraph");
        }

        /**
         * The captions this protocol ranks: as read ({@link #MSVD}), checked to be one per video
         * ({@link #MSRVTT_1K}), or joined into paragraphs ({@link #PARAGRAPH}).
         *
         * @throws DatasetFormatException for {@link #MSRVTT_1K} when a video has several captions (naming the first
         *                                such video and its line)
         */
        public Captions captions(Captions captions) {
            return switch (this) {
                case MSVD -> captions;
                case PARAGRAPH -> captions.asParagraphs();
                case MSRVTT_1K -> {
                    for (Captions.VideoCaptions video : captions.videos()) {
                        if (video.size() > 1) {
                            throw new DatasetFormatException(captions.source(), video.line(), "video '"
                                    + video.videoId() + "' has " + video.size() + " captions, but the msrvtt-1k"
                                    + " protocol ranks one caption per video (MSRVTT_JSFUSION_test.csv); use msvd"
                                    + " to rank every caption, or paragraph to join them");
                        }
                    }
                    yield captions;
                }
            };
        }

        /** The metrics of {@code sim} [caption][video] with {@code captionsPerVideo} under this protocol. */
        public RetrievalMetrics.BothDirections metrics(float[][] sim, int[] captionsPerVideo) {
            return this == MSVD ? RetrievalMetrics.multiCaption(sim, captionsPerVideo)
                    : RetrievalMetrics.singleCaption(sim);
        }
    }

    /**
     * @param protocol          how the captions were grouped and ranked
     * @param sim               [caption][video] logits of the videos that were scored
     * @param videoIds          those videos, in matrix order
     * @param captions          their captions, grouped by video in order (paragraphs under {@link Protocol#PARAGRAPH})
     * @param truncatedCaptions the captions longer than the model's text context
     */
    public record Result(Protocol protocol, RetrievalMetrics.BothDirections metrics, float[][] sim,
                         List<String> videoIds, List<String> captions, int[] captionsPerVideo,
                         List<VideoEncoder.Skipped> skipped, int fromCache, List<String> truncatedCaptions,
                         AttributeRetrieval.Result attributes) {
    }

    /** {@link #run(VideoTextModel, Captions, Protocol, Function, VideoEncoder, IntConsumer)} under {@code msvd}. */
    public static Result run(VideoTextModel model, Captions captions, Function<String, String> videoSpec,
                             VideoEncoder encoder, IntConsumer progress) {
        return run(model, captions, Protocol.MSVD, videoSpec, encoder, progress);
    }

    /**
     * @param protocol  how captions are grouped and ranked
     * @param videoSpec where each video id's file is (a spec for {@code VideoSources.open})
     * @param progress  gets the count of videos encoded (may be null)
     * @throws DatasetFormatException when the captions do not fit the protocol ({@link Protocol#captions})
     */
    public static Result run(VideoTextModel model, Captions captions, Protocol protocol,
                             Function<String, String> videoSpec, VideoEncoder encoder, IntConsumer progress) {
        return run(model, captions, protocol, videoSpec, encoder, progress, null, 5);
    }

    /**
     * As above, and when {@code attributes} is given, also its attribute queries over the same encoded videos
     * (precision@{@code k} with the videos' tags; a video the file has no tags for matches no query).
     */
    public static Result run(VideoTextModel model, Captions captions, Protocol protocol,
                             Function<String, String> videoSpec, VideoEncoder encoder, IntConsumer progress,
                             AttributeQueries attributes, int k) {
        Captions ranked = protocol.captions(captions);
        List<String> ids = ranked.videoIds();
        List<String> specs = ids.stream().map(videoSpec).toList();
        VideoEncoder.Result encoded = encoder.encodeAll(specs, progress);
        List<String> keptIds = new ArrayList<>();
        List<VideoEncoder.Encoded> kept = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<Integer> perVideo = new ArrayList<>();
        List<List<String>> grouped = groupedCaptions(ranked);
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
        float[][] sim = byVideo(Scoring.logits(model, kept, textFeatures, 32), kept, texts.size());
        int[] counts = perVideo.stream().mapToInt(Integer::intValue).toArray();
        int context = model.textContext();
        List<String> truncated = texts.stream().filter(t -> model.tokenizer().isTruncated(t, context)).toList();
        AttributeRetrieval.Result byAttributes = null;
        if (attributes != null && !attributes.queries().isEmpty()) {
            List<AttributeQueries.Query> queries = attributes.queries();
            float[][] queryFeatures = Scoring.textFeatures(model, queries.stream().map(AttributeQueries.Query::text)
                    .toList());
            float[][] qSim = byVideo(Scoring.logits(model, kept, queryFeatures, 32), kept, queries.size());
            byAttributes = AttributeRetrieval.evaluate(qSim,
                    keptIds.stream().map(id -> attributes.clipTags().getOrDefault(id, Set.of())).toList(),
                    queries.stream().map(AttributeQueries.Query::kind).toList(),
                    queries.stream().map(AttributeQueries.Query::text).toList(),
                    queries.stream().map(AttributeQueries.Query::tags).toList(), k);
        }
        return new Result(protocol, protocol.metrics(sim, counts), sim, keptIds, texts, counts, encoded.skipped(),
                encoded.fromCache(), truncated, byAttributes);
    }

    /** [text][video] from [clip rows][texts]: the views of one video score their mean logit. */
    private static float[][] byVideo(float[][] rows, List<VideoEncoder.Encoded> videos, int texts) {
        float[][] sim = new float[texts][videos.size()];
        int row = 0;
        for (int v = 0; v < videos.size(); v++) {
            int clips = videos.get(v).clips();
            for (int t = 0; t < texts; t++) {
                double sum = 0;
                for (int c = 0; c < clips; c++) {
                    sum += rows[row + c][t];
                }
                sim[t][v] = (float) (sum / clips);
            }
            row += clips;
        }
        return sim;
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

package dev.vclip.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.vclip.data.PrefetchLoader;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Progress;
import dev.vclip.task.ClipSampler;
import dev.vclip.task.VideoEncoder;
import dev.vclip.video.ClipImageProcessor;
import dev.vclip.video.RgbFrame;
import dev.vclip.video.VideoInfo;
import dev.vclip.video.VideoSource;
import dev.vclip.video.VideoSources;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Brings an index up to date with a library: embeds new and changed videos, removes entries whose file is gone,
 * recognises a moved or renamed file by its content hash and moves its entries without embedding again. Decoding runs
 * on worker threads ahead of the model. Commits every {@link Options#commitEvery()} videos: a run killed at any point
 * leaves the last commit intact (Lucene commits are atomic), and the next run redoes only what the killed one had not
 * committed.
 */
public final class IndexRun {
    private static final System.Logger LOG = System.getLogger(IndexRun.class.getName());

    /** Thumbnails' longer side, pixels. */
    static final int THUMBNAIL_SIZE = 192;

    private IndexRun() {
    }

    /**
     * @param moments     the moment windows (used when the index is new or rebuilt; an existing index keeps its own)
     * @param workers     decoding threads
     * @param commitEvery videos per commit
     * @param rebuild     start over (needed to index with another model or other moments)
     * @param modelDir    the model's folder, recorded for search and serve (may be null)
     */
    public record Options(Moments moments, int workers, int commitEvery, boolean rebuild, Path modelDir) {
        public Options {
            if (workers < 1 || commitEvery < 1) {
                throw new IllegalArgumentException("workers and commitEvery must be at least 1");
            }
        }

        public static Options defaults() {
            return new Options(Moments.DEFAULT, 2, 20, false, null);
        }
    }

    /** What a run did. */
    /**
     * What a run did. {@code seconds}: the whole run; {@code modelSeconds}: the part spent in the model's forward
     * passes (on the calling thread, decoding overlapping it on the workers), so modelSeconds / seconds is how close
     * the run came to the model-only rate; {@code videoSeconds}: the length of the videos embedded.
     */
    public record Report(int videos, int embedded, int unchanged, int moved, int removed, int entriesAdded,
                         List<IndexStatus.Skipped> skipped, double seconds, double modelSeconds, double videoSeconds) {
    }

    /** One decoded video: its entries' spans, normalised pixels (whole video first) and thumbnails. */
    private record Decoded(LibraryFiles.VideoFile file, String source, VideoInfo info, List<Moments.Span> spans,
                           ClipSampler.Clips clips, List<byte[]> thumbnails, String hash) {
        /** A long video's encoding, read in chunks on the model's thread. */
        record Streamed(VideoEncoder.Encoded encoded, List<byte[]> thumbnails, long modelNanos) {
        }
    }

    /** Indexes {@code files} into {@code dir} with {@code model}; see the class comment. */
    public static Report run(Path dir, VideoTextModel model, List<LibraryFiles.VideoFile> files, Options options,
                             Progress.Factory progress) {
        long start = System.nanoTime();
        return write(dir, VideoIndex.modelKey(model), VideoIndex.legacyModelKey(model), options.modelDir(),
                options.moments(), options.rebuild(),
                (writer, commitData, moments, fresh) -> new Updater(writer, commitData, model, moments, options,
                        progress, start).update(files, fresh));
    }

    /**
     * One video of an index embedded elsewhere ({@code vclip spark-embed} writes them to Parquet): its entries (whole
     * video first), or, when it failed there, none and the reason.
     */
    public record EmbeddedVideo(String path, List<StoredEntry> entries, String error) {
        public EmbeddedVideo {
            if ((error == null) == entries.isEmpty()) {
                throw new IllegalArgumentException(path + ": a video has entries or an error, not both or neither");
            }
        }
    }

    /**
     * Builds or updates the index in {@code dir} from videos embedded elsewhere by the model whose key
     * ({@link VideoIndex#modelKey}) is {@code modelKey}, with {@code moments}. A video already indexed under the same
     * path with the same content hash is left as it is; one with another hash is replaced; videos not in
     * {@code videos} are kept (the input may be part of a corpus). Failed videos are recorded as skipped. Commits every
     * {@code commitEvery} videos, so a killed import keeps what it committed. {@code total}: the number of videos, for
     * progress (negative when unknown).
     */
    public static Report importEntries(Path dir, String modelKey, Path modelDir, Moments moments, boolean rebuild,
                                       java.util.Iterator<EmbeddedVideo> videos, long total, int commitEvery,
                                       Progress.Factory progress) {
        long start = System.nanoTime();
        return write(dir, modelKey, null, modelDir, moments, rebuild, (writer, commitData, kept, fresh) -> {
            if (!kept.equals(moments)) {
                throw new SearchException(dir + ": holds moments " + kept + ", the embeddings have " + moments
                        + "; start over with --rebuild");
            }
            Map<String, String> hashes = new HashMap<>();
            if (!fresh) {
                indexedVideos(writer).forEach(e -> hashes.put(e.videoId(), e.hash()));
            }
            List<IndexStatus.Skipped> skipped = new ArrayList<>(); // as for a run: the last run's, not a history
            int count = 0;
            int embedded = 0;
            int unchanged = 0;
            int entries = 0;
            double videoSeconds = 0;
            try (Progress bar = progress.start("index: import embedded videos", total)) {
                while (videos.hasNext()) {
                    EmbeddedVideo v = videos.next();
                    count++;
                    if (v.error() != null) {
                        skipped.add(new IndexStatus.Skipped(v.path(), v.error()));
                    } else {
                        IndexEntry whole = v.entries().get(0).entry();
                        if (whole.hash().equals(hashes.get(whole.videoId()))) {
                            unchanged++;
                        } else {
                            writer.updateDocuments(new Term(EntryDocs.VIDEO, whole.videoId()),
                                    v.entries().stream().map(EntryDocs::toDocument).toList());
                            embedded++;
                            entries += v.entries().size();
                            videoSeconds += whole.duration();
                        }
                    }
                    bar.stepTo(count);
                    if (count % commitEvery == 0) {
                        commit(writer, commitData, skipped);
                    }
                }
                commit(writer, commitData, skipped);
            }
            return new Report(count, embedded, unchanged, 0, 0, entries, List.copyOf(skipped),
                    (System.nanoTime() - start) / 1e9, 0, videoSeconds);
        });
    }

    /** The whole-video entries the index holds now (one per indexed video), as {@code writer} sees it. */
    private static List<IndexEntry> indexedVideos(IndexWriter writer) throws IOException {
        List<IndexEntry> videos = new ArrayList<>();
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            StoredFields stored = searcher.storedFields();
            for (ScoreDoc sd : searcher.search(new TermQuery(new Term(EntryDocs.KIND, EntryDocs.KIND_VIDEO)),
                    Math.max(1, reader.maxDoc())).scoreDocs) {
                videos.add(EntryDocs.entry(stored.document(sd.doc)));
            }
        }
        return videos;
    }

    /** What a run does with the open writer: {@code moments} are those the index keeps. */
    private interface WriterWork {
        Report apply(IndexWriter writer, Map<String, String> commitData, Moments moments, boolean fresh)
                throws IOException;
    }

    /**
     * Opens (or creates, or with {@code rebuild} starts over) the index for {@code modelKey} and runs {@code work}.
     * An index that records {@code legacyKey} (the same model, keyed as before content fingerprints; may be null)
     * is the same model's, and its next commit records {@code modelKey}.
     */
    private static Report write(Path dir, String modelKey, String legacyKey, Path modelDir, Moments requested,
                                boolean rebuild,
                                WriterWork work) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SearchException(dir + ": cannot create the index folder: " + e.getMessage(), e);
        }
        try (Directory directory = FSDirectory.open(dir)) {
            // --rebuild starts over without reading what is there (which may be another format, or damaged)
            Map<String, String> previous = !rebuild && DirectoryReader.indexExists(directory)
                    ? VideoIndex.commitData(dir) : Map.of();
            boolean fresh = previous.isEmpty() || rebuild;
            String recorded = previous.get(VideoIndex.MODEL_KEY);
            if (!fresh && !modelKey.equals(recorded) && (legacyKey == null || !legacyKey.equals(recorded))) {
                throw new SearchException(dir + ": made with another model (" + previous.getOrDefault(
                        VideoIndex.MODEL_DIR, "?") + "); index with that model, or start over with --rebuild");
            }
            Moments moments = fresh ? requested : Moments.parse(previous.get(VideoIndex.MOMENTS));
            if (!fresh && !requested.equals(moments)) {
                LOG.log(System.Logger.Level.INFO, dir + " keeps its moments " + moments + " (--rebuild to change them)");
            }
            // commits are explicit (every N videos and at the end): a run that fails leaves the last commit, and
            // a --rebuild that fails before its first commit leaves the old index, not an empty one
            IndexWriterConfig config = new IndexWriterConfig().setOpenMode(fresh
                    ? IndexWriterConfig.OpenMode.CREATE : IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(256).setCommitOnClose(false);
            try (IndexWriter writer = new IndexWriter(directory, config)) {
                Map<String, String> commitData = new LinkedHashMap<>();
                commitData.put(VideoIndex.FORMAT, VideoIndex.FORMAT_VERSION);
                commitData.put(VideoIndex.MODEL_KEY, modelKey);
                if (modelDir != null) {
                    commitData.put(VideoIndex.MODEL_DIR, modelDir.toAbsolutePath().normalize().toString());
                } else if (previous.containsKey(VideoIndex.MODEL_DIR) && !fresh) {
                    commitData.put(VideoIndex.MODEL_DIR, previous.get(VideoIndex.MODEL_DIR));
                }
                commitData.put(VideoIndex.MOMENTS, moments.toString());
                return work.apply(writer, commitData, moments, fresh);
            }
        } catch (org.apache.lucene.store.LockObtainFailedException e) {
            throw new SearchException(dir + ": another process is writing this index (its write.lock is held); run "
                    + "again when it has finished", e);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    /** Commits with the run's skipped videos in the commit data (what {@code --status} lists). */
    private static void commit(IndexWriter writer, Map<String, String> commitData, List<IndexStatus.Skipped> skipped)
            throws IOException {
        ArrayNode list = new ObjectMapper().createArrayNode();
        skipped.forEach(s -> list.addObject().put("path", s.path()).put("reason", s.reason()));
        Map<String, String> data = new LinkedHashMap<>(commitData);
        data.put(VideoIndex.SKIPPED, list.toString());
        writer.setLiveCommitData(data.entrySet());
        writer.commit();
    }

    /** The state of one run. */
    private static final class Updater {
        private final IndexWriter writer;
        private final Map<String, String> commitData;
        private final VideoTextModel model;
        private final Moments moments;
        private final Options options;
        private final Progress.Factory progress;
        private final long start;
        private final List<IndexStatus.Skipped> skipped = new ArrayList<>();
        private int entriesAdded;
        private double videoSeconds;
        private long modelNanos;
        private int embedded;

        Updater(IndexWriter writer, Map<String, String> commitData, VideoTextModel model, Moments moments,
                Options options, Progress.Factory progress, long start) {
            this.writer = writer;
            this.commitData = commitData;
            this.model = model;
            this.moments = moments;
            this.options = options;
            this.progress = progress;
            this.start = start;
        }

        /** One indexed video as the last commit holds it. */
        private record Known(String path, String videoId, long size, long modified, String hash) {
        }

        Report update(List<LibraryFiles.VideoFile> files, boolean fresh) throws IOException {
            Map<String, Known> byPath = new HashMap<>();
            if (!fresh) {
                for (IndexEntry e : indexedVideos(writer)) {
                    byPath.put(e.path(), new Known(e.path(), e.videoId(), e.size(), e.modified(), e.hash()));
                }
            }
            Set<String> listed = files.stream().map(LibraryFiles.VideoFile::spec).collect(Collectors.toSet());
            // entries whose file is gone (not merely left out of this run's inputs): removed, unless a new path has
            // the same content (a move); several gone files may share one content
            Map<String, java.util.Deque<Known>> goneByHash = new HashMap<>();
            for (Known k : byPath.values()) {
                if (!listed.contains(k.path()) && !exists(k.path())) {
                    goneByHash.computeIfAbsent(k.hash(), h -> new java.util.ArrayDeque<>()).add(k);
                }
            }
            List<LibraryFiles.VideoFile> toEmbed = new ArrayList<>();
            List<String> hashes = new ArrayList<>();
            int unchanged = 0;
            int moved = 0;
            for (LibraryFiles.VideoFile f : files) {
                Known k = byPath.get(f.spec());
                if (k != null && k.size() == f.size() && k.modified() == f.modified()) {
                    unchanged++;
                    continue;
                }
                String hash;
                try {
                    hash = f.contentHash();
                } catch (RuntimeException e) {
                    skipped.add(new IndexStatus.Skipped(f.spec(), "cannot read: " + e.getMessage()));
                    continue;
                }
                if (k != null && hash.equals(k.hash())) {
                    move(k, f); // touched or copied with a new time: same content, only the stored time changes
                    unchanged++;
                    continue;
                }
                java.util.Deque<Known> from = k == null ? goneByHash.get(hash) : null;
                if (from != null && !from.isEmpty()) {
                    move(from.poll(), f);
                    moved++;
                    continue;
                }
                toEmbed.add(f); // new, or changed: write() replaces its old entries in the same commit
                hashes.add(hash);
            }
            int removed = 0;
            for (java.util.Deque<Known> gone : goneByHash.values()) {
                for (Known k : gone) {
                    writer.deleteDocuments(new Term(EntryDocs.VIDEO, k.videoId()));
                    removed++;
                }
            }
            embed(toEmbed, hashes);
            commit();
            return new Report(files.size(), embedded, unchanged, moved, removed, entriesAdded,
                    List.copyOf(skipped), (System.nanoTime() - start) / 1e9, modelNanos / 1e9, videoSeconds);
        }

        /** Whether an indexed video is still there: the file, or the archive and its member. */
        private static boolean exists(String spec) {
            if (Files.exists(Path.of(spec))) {
                return true;
            }
            VideoSources.TarMember tar = VideoSources.tarMember(spec).orElse(null);
            if (tar == null) {
                return false;
            }
            try {
                return Files.exists(tar.archive()) && dev.vclip.video.TarIndex.of(tar.archive()).find(tar.member())
                        .isPresent();
            } catch (RuntimeException e) {
                return true; // an archive that cannot be read now: keep its entries rather than drop them
            }
        }

        /** A moved file: its entries under the new path, nothing embedded again. */
        private void move(Known from, LibraryFiles.VideoFile to) throws IOException {
            String videoId = videoId(to.spec());
            List<Document> docs = new ArrayList<>();
            try (DirectoryReader reader = DirectoryReader.open(writer)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                for (ScoreDoc sd : searcher.search(new TermQuery(new Term(EntryDocs.VIDEO, from.videoId())),
                        Math.max(1, reader.maxDoc())).scoreDocs) {
                    StoredEntry s = EntryDocs.stored(searcher.storedFields().document(sd.doc));
                    docs.add(EntryDocs.toDocument(EntryDocs.moved(s, to.spec(), videoId, to.size(), to.modified())));
                }
            }
            writer.deleteDocuments(new Term(EntryDocs.VIDEO, from.videoId()));
            writer.updateDocuments(new Term(EntryDocs.VIDEO, videoId), docs);
        }

        private void embed(List<LibraryFiles.VideoFile> files, List<String> hashes) throws IOException {
            if (files.isEmpty()) {
                return;
            }
            int frames = model.videoInput().frames();
            ClipImageProcessor processor = ClipImageProcessor.forImageSize(model.config().vision().imageSize());
            VideoEncoder encoder = new VideoEncoder(model, null, null, 1, 1);
            int sinceCommit = 0;
            // progress in MB of video files: what the run waits on is video length, which bytes track far better
            // than a count of videos when short clips and hour-long recordings mix (lengths are unknown until opened)
            long totalBytes = files.stream().mapToLong(LibraryFiles.VideoFile::size).sum();
            long doneBytes = 0;
            try (Progress bar = progress.start("index: embed videos (MB)", Math.max(1, Math.round(totalBytes / 1e6)));
                 PrefetchLoader<LibraryFiles.VideoFile, Decoded> loader = PrefetchLoader.start(files,
                         options.workers(), 2 * options.workers() + 2,
                         (f, i) -> decode(f, f.spec(), hashes.get(i), frames, processor, moments), null)) {
                for (PrefetchLoader.Result<LibraryFiles.VideoFile, Decoded> r : loader) {
                    if (r instanceof PrefetchLoader.Failed<LibraryFiles.VideoFile, Decoded> failed) {
                        skipped.add(new IndexStatus.Skipped(failed.item().spec(), failed.reason()));
                        LOG.log(System.Logger.Level.WARNING, "skipped " + failed.item().spec() + ": " + failed.reason());
                    } else {
                        Decoded d = ((PrefetchLoader.Loaded<LibraryFiles.VideoFile, Decoded>) r).value();
                        try {
                            long[] nanos = new long[1];
                            write(d, encode(d, encoder, frames, processor, nanos));
                            modelNanos += nanos[0];
                        } catch (RuntimeException e) {
                            skipped.add(new IndexStatus.Skipped(d.file().spec(), e.getMessage()));
                        }
                    }
                    doneBytes += r.item().size();
                    bar.stepTo(Math.round(doneBytes / 1e6));
                    bar.message(shortName(r.item().spec()));
                    if (++sinceCommit == options.commitEvery()) {
                        commit();
                        sinceCommit = 0;
                    }
                }
            }
        }

        private void write(Decoded d, List<StoredEntry> entries) throws IOException {
            List<Document> docs = entries.stream().map(EntryDocs::toDocument).toList();
            // one video's entries together, replacing those of an earlier version of the file in the same commit
            writer.updateDocuments(new Term(EntryDocs.VIDEO, entries.get(0).entry().videoId()), docs);
            entriesAdded += docs.size();
            embedded++;
            videoSeconds += d.info().durationSeconds();
        }

        private void commit() throws IOException {
            IndexRun.commit(writer, commitData, skipped);
        }
    }

    /** Decodes one video's entries: frames of each span, resized and cropped as the model takes them. */
    /**
     * Spans a worker decodes ahead of the model; a video with more (a long recording) is read on the model's thread,
     * {@value #SPANS_PER_CHUNK} windows at a time, so memory stays bounded (one window of X-CLIP B/32 is 4.8 MB of
     * pixels: an hour at 8-s/4-s moments would be 4.3 GB at once).
     */
    static final int PREFETCHED_SPANS = 32;
    static final int SPANS_PER_CHUNK = 16;

    /** Opens a video and decodes its spans, unless there are too many to hold: then only the plan (clips null). */
    private static Decoded decode(LibraryFiles.VideoFile file, String source, String hash, int frames,
                                  ClipImageProcessor processor, Moments moments) {
        try (VideoSource video = VideoSources.open(source)) {
            VideoInfo info = video.info();
            if (info.frameCount() < 1) {
                throw new SearchException(file.spec() + ": no frames");
            }
            List<Moments.Span> spans = moments.plan(info.frameCount(), info.fps(), frames);
            if (spans.size() > PREFETCHED_SPANS) {
                return new Decoded(file, source, info, spans, null, null, hash);
            }
            List<byte[]> thumbnails = new ArrayList<>();
            ClipSampler.Clips clips = decodeSpans(video, spans, frames, processor, thumbnails);
            return new Decoded(file, source, info, spans, clips, thumbnails, hash);
        }
    }

    /**
     * The normalised pixels of {@code spans} (one clip each) and, into {@code thumbnails} unless it is null, their
     * middle frames as JPEG.
     */
    static ClipSampler.Clips decodeSpans(VideoSource video, List<Moments.Span> spans, int frames,
                                                 ClipImageProcessor processor, List<byte[]> thumbnails) {
        int size = processor.cropHeight();
        float[] pixels = new float[Math.multiplyExact(Math.multiplyExact(spans.size(), frames), 3 * size * size)];
        int offset = 0;
        for (Moments.Span span : spans) {
            List<RgbFrame> clip = video.read(span.frames()).stream().map(processor::resizeAndCrop).toList();
            for (RgbFrame f : clip) {
                offset += processor.normalize(f, pixels, offset);
            }
            if (thumbnails != null) {
                thumbnails.add(jpeg(clip.get(clip.size() / 2)));
            }
        }
        return new ClipSampler.Clips(spans.size(), frames, size, pixels);
    }

    /** A long video on the model's thread: chunks of spans decoded and encoded in turn; one result as if at once. */
    private static Decoded.Streamed streamed(Decoded d, VideoEncoder encoder, int frames, ClipImageProcessor processor) {
        List<byte[]> thumbnails = new ArrayList<>();
        List<VideoEncoder.Encoded> parts = new ArrayList<>();
        long modelNanos = 0;
        try (VideoSource video = VideoSources.open(d.source())) {
            for (int from = 0; from < d.spans().size(); from += SPANS_PER_CHUNK) {
                ClipSampler.Clips clips = decodeSpans(video, d.spans().subList(from, Math.min(d.spans().size(),
                        from + SPANS_PER_CHUNK)), frames, processor, thumbnails);
                long t = System.nanoTime();
                parts.add(encoder.encodeClips(List.of(clips)).get(0));
                modelNanos += System.nanoTime() - t;
            }
        }
        VideoEncoder.Encoded first = parts.get(0);
        int dim = first.dim();
        int tokens = first.contextTokens();
        float[] features = new float[d.spans().size() * dim];
        float[] context = first.context() == null ? null : new float[d.spans().size() * tokens * dim];
        int clip = 0;
        for (VideoEncoder.Encoded p : parts) {
            System.arraycopy(p.features(), 0, features, clip * dim, p.clips() * dim);
            if (context != null) {
                System.arraycopy(p.context(), 0, context, clip * tokens * dim, p.clips() * tokens * dim);
            }
            clip += p.clips();
        }
        return new Decoded.Streamed(new VideoEncoder.Encoded(clip, dim, features, tokens, context), thumbnails,
                modelNanos);
    }

    /**
     * One decoded video through the model: its entries, whole video first ({@code modelNanos[0]} gets the time spent
     * in the model's forward passes).
     */
    private static List<StoredEntry> encode(Decoded d, VideoEncoder encoder, int frames, ClipImageProcessor processor,
                                            long[] modelNanos) {
        if (d.clips() == null) {
            Decoded.Streamed st = streamed(d, encoder, frames, processor);
            modelNanos[0] += st.modelNanos();
            return entries(d, st.encoded(), st.thumbnails());
        }
        long t = System.nanoTime();
        VideoEncoder.Encoded encoded = encoder.encodeClips(List.of(d.clips())).get(0);
        modelNanos[0] += System.nanoTime() - t;
        return entries(d, encoded, d.thumbnails());
    }



    /** A video's entries from its encoding: one per span, ids {@code <video id>-v} and {@code <video id>-m<k>}. */
    private static List<StoredEntry> entries(Decoded d, VideoEncoder.Encoded encoded, List<byte[]> thumbnails) {
        String videoId = videoId(d.file().spec());
        int dim = encoded.dim();
        int tokens = encoded.contextTokens();
        List<StoredEntry> entries = new ArrayList<>();
        for (int c = 0; c < d.spans().size(); c++) {
            Moments.Span span = d.spans().get(c);
            float[] features = java.util.Arrays.copyOfRange(encoded.features(), c * dim, (c + 1) * dim);
            float[] context = encoded.context() == null ? null
                    : java.util.Arrays.copyOfRange(encoded.context(), c * tokens * dim, (c + 1) * tokens * dim);
            IndexEntry entry = new IndexEntry(videoId + "-" + (span.whole() ? "v" : "m" + c), videoId,
                    d.file().spec(), span.start(), span.end(), d.info().durationSeconds(), span.whole(),
                    d.file().size(), d.file().modified(), d.hash());
            entries.add(StoredEntry.of(entry, features, tokens, context, thumbnails.get(c)));
        }
        return entries;
    }

    /**
     * Embeds one video exactly as {@link #run} does, on the calling thread: its entries, whole video first, then its
     * moments. {@code asIndexed} is the video as the index will name it (path or URI, size, modification time);
     * {@code source} is where its bytes are read from (the same path, or a local copy of a remote file); {@code hash}
     * is its content hash ({@link LibraryFiles.VideoFile#contentHash()} of the bytes read).
     *
     * @throws RuntimeException naming {@code asIndexed} when the video cannot be read or has no frames
     */
    public static List<StoredEntry> embedVideo(VideoTextModel model, Moments moments, LibraryFiles.VideoFile asIndexed,
                                               String source, String hash) {
        int frames = model.videoInput().frames();
        ClipImageProcessor processor = ClipImageProcessor.forImageSize(model.config().vision().imageSize());
        Decoded d = decode(asIndexed, source, hash, frames, processor, moments);
        return encode(d, new VideoEncoder(model, null, null, 1, 1), frames, processor, new long[1]);
    }

    static byte[] jpeg(RgbFrame frame) {
        BufferedImage source = frame.toBufferedImage();
        double scale = Math.min(1.0, (double) THUMBNAIL_SIZE / Math.max(frame.width(), frame.height()));
        int w = Math.max(1, (int) Math.round(frame.width() * scale));
        int h = Math.max(1, (int) Math.round(frame.height() * scale));
        BufferedImage thumb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = thumb.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(source, 0, 0, w, h, null);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(thumb, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A video's id: a hash of its path as indexed (its entries are {@code <id>-v} and {@code <id>-m<k>}). */
    public static String videoId(String spec) {
        return LibraryFiles.sha256Hex(spec, 16);
    }

    private static String shortName(String spec) {
        int slash = Math.max(spec.lastIndexOf('/'), spec.lastIndexOf('#'));
        return slash >= 0 ? spec.substring(slash + 1) : spec;
    }
}

package dev.vclip.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.model.VideoTextModel;
import dev.vclip.task.Scoring;
import dev.vclip.task.VideoEncoder;
import dev.vclip.weights.Torch;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A searchable video library: a Lucene index made by {@link IndexRun} and the model it was made with. Text queries
 * run in two stages: the nearest neighbours of the text embedding among the entries' unit video vectors (HNSW, dot
 * product), {@value #CANDIDATE_FACTOR}× the results asked for, then the model's own logit for each candidate — for
 * X-CLIP with the video-specific prompt, which the stored prompt context makes possible without decoding again — so
 * the ranking is X-CLIP's, not an approximation of it. For CLIP-family models the logit is the scaled cosine, and the
 * second stage only makes the scores comparable. Queries by example rank by cosine. Adjacent or overlapping moments
 * of one video that both make the list are merged into one hit.
 *
 * <p>Thread-safe: searches share one Lucene searcher (refreshed when the index has a newer commit) and the model.
 */
public final class VideoIndex implements LibrarySearch, Closeable {

    /** Candidates of the first stage per result asked for. */
    public static final int CANDIDATE_FACTOR = 10;

    /** At least this many candidates (small K still gets a fair first stage). */
    public static final int MIN_CANDIDATES = 100;

    static final String MODEL_KEY = "vclip.model";
    static final String MODEL_DIR = "vclip.model_dir";
    static final String MOMENTS = "vclip.moments";
    static final String SKIPPED = "vclip.skipped";
    static final String FORMAT = "vclip.format";
    static final String FORMAT_VERSION = "1";

    private static final int RERANK_CHUNK = 256;

    private final Path dir;
    private final VideoTextModel model;
    private final Directory directory;
    private final SearcherManager searchers;
    private VideoTextModel ownedModel;

    private VideoIndex(Path dir, VideoTextModel model, Directory directory, SearcherManager searchers) {
        this.dir = dir;
        this.model = model;
        this.directory = directory;
        this.searchers = searchers;
    }

    /**
     * Opens the index in {@code dir} for searching with {@code model}, which must be the model it was made with
     * (another model's vectors cannot be compared with this one's texts).
     */
    public static VideoIndex open(Path dir, VideoTextModel model) {
        Map<String, String> data = commitData(dir);
        String expected = data.get(MODEL_KEY);
        if (!sameModel(expected, model)) {
            throw new SearchException(dir + ": made with another model (" + data.getOrDefault(MODEL_DIR, "?")
                    + "); search it with that model, or rebuild it with this one (vclip index --rebuild)");
        }
        try {
            Directory directory = FSDirectory.open(dir);
            return new VideoIndex(dir, model, directory, new SearcherManager(directory, null));
        } catch (IOException e) {
            throw new SearchException(dir + ": cannot open the index: " + e.getMessage(), e);
        }
    }

    /**
     * Opens the index in {@code dir} with the model in {@code modelDir}, which this index then owns: {@link #close()}
     * closes it too (what a server that opens both wants).
     */
    public static VideoIndex open(Path dir, Path modelDir) {
        VideoTextModel model = dev.vclip.model.ModelFolder.load(modelDir);
        try {
            VideoIndex index = open(dir, model);
            index.ownedModel = model;
            return index;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The model folder recorded by the run that made the index, if any (a default for search and serve). */
    public static Optional<Path> recordedModel(Path dir) {
        return Optional.ofNullable(commitData(dir).get(MODEL_DIR)).map(Path::of);
    }

    /** The commit data of the index's last commit; a folder without an index is an error naming it. */
    static Map<String, String> commitData(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new SearchException(dir + ": no such folder (make an index with vclip index)");
        }
        try (Directory d = FSDirectory.open(dir)) {
            if (!DirectoryReader.indexExists(d)) {
                throw new SearchException(dir + ": no vclip index here (make one with vclip index)");
            }
            try (DirectoryReader reader = DirectoryReader.open(d)) {
                Map<String, String> data = reader.getIndexCommit().getUserData();
                if (!FORMAT_VERSION.equals(data.get(FORMAT))) {
                    throw new SearchException(dir + ": not a vclip index (format " + data.get(FORMAT) + ")");
                }
                return data;
            }
        } catch (IOException e) {
            throw new SearchException(dir + ": cannot read the index: " + e.getMessage(), e);
        }
    }

    /** What identifies a model's embeddings: a hash of its weights' identity and its config. */
    /**
     * The key an index records for the model it was made with: its weights' content fingerprint
     * ({@code ModelWeights.contentIdentity}) and configuration, hashed; the same for a copy of the model folder
     * elsewhere, so an index embedded on a cluster opens with the model on a laptop.
     */
    public static String modelKey(VideoTextModel model) {
        return LibraryFiles.sha256Hex("index-model-key 2\n" + model.weights().contentIdentity() + "\n"
                + model.config().toJson(), 32);
    }

    /** The key indexes made before the content fingerprint recorded (paths and times of the weight files). */
    static String legacyModelKey(VideoTextModel model) {
        return LibraryFiles.sha256Hex(Scoring.modelKey(model), 32);
    }

    /** Whether an index's recorded key is {@code model}'s (either form). */
    static boolean sameModel(String recorded, VideoTextModel model) {
        return modelKey(model).equals(recorded) || legacyModelKey(model).equals(recorded);
    }

    public Path dir() {
        return dir;
    }

    @Override
    public List<SearchHit> search(SearchQuery query) {
        return search(query, false);
    }

    /**
     * As {@link #search}, scoring every entry that passes the filters instead of the nearest neighbours: the exact
     * ranking the two stages approximate (slow on a large index; for checking and for small libraries).
     */
    public List<SearchHit> searchExhaustively(SearchQuery query) {
        return search(query, true);
    }

    private List<SearchHit> search(SearchQuery query, boolean exhaustive) {
        IndexSearcher searcher = acquire();
        try {
            float[] vector;
            NDArray text = null;
            try (NDManager manager = Torch.newManager()) {
                if (query.text() != null) {
                    text = model.textFeatures(List.of(query.text()), manager);
                    vector = unit(text.toFloatArray());
                } else if (query.likeFile() != null) {
                    vector = unit(embed(query.likeFile(), query.likeSeconds(), Moments.parse(((DirectoryReader)
                            searcher.getIndexReader()).getIndexCommit().getUserData().getOrDefault(MOMENTS, "none"))));
                } else {
                    Document like = byId(searcher, query.likeEntry()).orElseThrow(() ->
                            new SearchException("no entry '" + query.likeEntry() + "' in this index"));
                    vector = EntryDocs.floats(like.getBinaryValue(EntryDocs.VECTOR_STORED));
                }
                int candidates = Math.max(MIN_CANDIDATES, CANDIDATE_FACTOR * query.top());
                Query filter = filter(query);
                TopDocs top = exhaustive
                        ? searcher.search(filter == null ? new MatchAllDocsQuery() : filter,
                        Math.max(1, searcher.getIndexReader().maxDoc()))
                        : searcher.search(new KnnFloatVectorQuery(EntryDocs.VECTOR, vector, candidates, filter),
                        candidates);
                List<StoredEntry> found = new ArrayList<>();
                for (ScoreDoc sd : top.scoreDocs) {
                    found.add(EntryDocs.stored(searcher.storedFields().document(sd.doc)));
                }
                double[] scores = text != null ? logits(found, text, manager) : cosines(found, vector);
                return merge(found, scores, query.top());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        } finally {
            release(searcher);
        }
    }

    /**
     * The model's features of a video file: the whole video, or the window of the index's moment length around
     * {@code atSeconds} (8 s when the index has no moments), sampled and decoded as the index does its entries.
     */
    private float[] embed(String spec, Double atSeconds, Moments moments) {
        int frames = model.videoInput().frames();
        dev.vclip.video.ClipImageProcessor processor = dev.vclip.video.ClipImageProcessor.forImageSize(
                model.config().vision().imageSize());
        try (dev.vclip.video.VideoSource video = dev.vclip.video.VideoSources.open(spec)) {
            dev.vclip.video.VideoInfo info = video.info();
            Moments.Span span;
            if (atSeconds == null) {
                span = Moments.whole(info.frameCount(), info.fps(), frames);
            } else {
                if (atSeconds > info.durationSeconds()) {
                    throw new SearchException(spec + ": the video lasts " + info.durationSeconds() + " s; no second "
                            + atSeconds);
                }
                span = (moments.none() ? Moments.DEFAULT : moments).around(atSeconds, info.frameCount(), info.fps(),
                        frames);
            }
            return new VideoEncoder(model, null, null, 1, 1).encodeClips(List.of(IndexRun.decodeSpans(video,
                    List.of(span), frames, processor, null))).get(0).features();
        }
    }

    private static Query filter(SearchQuery q) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        int clauses = 0;
        if (q.scope() != SearchQuery.Scope.ALL) {
            b.add(new TermQuery(new Term(EntryDocs.KIND, q.scope() == SearchQuery.Scope.VIDEOS
                    ? EntryDocs.KIND_VIDEO : EntryDocs.KIND_MOMENT)), BooleanClause.Occur.FILTER);
            clauses++;
        }
        if (q.pathPrefix() != null && !q.pathPrefix().isEmpty()) {
            b.add(new PrefixQuery(new Term(EntryDocs.PATH, q.pathPrefix())), BooleanClause.Occur.FILTER);
            clauses++;
        }
        if (q.minDurationSeconds() > 0) {
            b.add(DoublePoint.newRangeQuery(EntryDocs.LENGTH, q.minDurationSeconds() - 1e-9, Double.POSITIVE_INFINITY),
                    BooleanClause.Occur.FILTER);
            clauses++;
        }
        return clauses == 0 ? null : b.build();
    }

    /** The model's logits of the text against each candidate: X-CLIP's prompt uses the stored context. */
    private double[] logits(List<StoredEntry> found, NDArray text, NDManager manager) {
        double[] scores = new double[found.size()];
        for (int from = 0; from < found.size(); from += RERANK_CHUNK) {
            List<VideoEncoder.Encoded> chunk = new ArrayList<>();
            for (StoredEntry s : found.subList(from, Math.min(found.size(), from + RERANK_CHUNK))) {
                chunk.add(new VideoEncoder.Encoded(1, s.features().length, s.features(), s.contextTokens(),
                        s.context()));
            }
            try (NDManager scope = manager.newSubManager();
                 var encoding = VideoEncoder.stack(chunk, scope)) {
                float[] rows = model.logits(encoding, text).toFloatArray(); // [V, 1]
                for (int i = 0; i < rows.length; i++) {
                    scores[from + i] = rows[i];
                }
            }
        }
        return scores;
    }

    private static double[] cosines(List<StoredEntry> found, float[] vector) {
        double[] scores = new double[found.size()];
        for (int i = 0; i < scores.length; i++) {
            float[] u = found.get(i).unit();
            double dot = 0;
            for (int j = 0; j < u.length; j++) {
                dot += u[j] * vector[j];
            }
            scores[i] = dot;
        }
        return scores;
    }

    /**
     * Best first; a moment that overlaps or touches an already listed moment of the same video joins it (its span
     * grows, the score stays the best one), so a long matching scene is one hit, not a wall of near-duplicates. Only
     * moments scoring at least the K-th best candidate join: a hit does not spread over a weakly matching tail.
     */
    static List<SearchHit> merge(List<StoredEntry> found, double[] scores, int top) {
        Integer[] order = new Integer[found.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
        // only moments that would make the list on their own widen a hit: a weak tail of neighbours does not
        double joinFloor = order.length == 0 ? 0 : scores[order[Math.min(top, order.length) - 1]];
        List<SearchHit> hits = new ArrayList<>();
        for (int i : order) {
            IndexEntry e = found.get(i).entry();
            boolean joined = false;
            if (!e.whole() && scores[i] >= joinFloor) {
                for (int h = 0; h < hits.size(); h++) {
                    IndexEntry k = hits.get(h).entry();
                    if (!k.whole() && k.videoId().equals(e.videoId()) && e.start() <= k.end() + 1e-6
                            && e.end() >= k.start() - 1e-6) {
                        hits.set(h, joined(hits.get(h), e, 1));
                        // the grown span may now reach another listed hit of the video: one hit, at the better place
                        for (boolean again = true; again; ) {
                            again = false;
                            for (int g = 0; g < hits.size() && !again; g++) {
                                IndexEntry o = hits.get(g).entry();
                                IndexEntry grown = hits.get(h).entry();
                                if (g != h && !o.whole() && o.videoId().equals(grown.videoId())
                                        && o.start() <= grown.end() + 1e-6 && o.end() >= grown.start() - 1e-6) {
                                    int keep = Math.min(g, h);
                                    int drop = Math.max(g, h);
                                    hits.set(keep, joined(hits.get(keep), hits.get(drop).entry(),
                                            hits.get(drop).mergedMoments()));
                                    hits.remove(drop);
                                    h = keep;
                                    again = true;
                                }
                            }
                        }
                        joined = true;
                        break;
                    }
                }
            }
            if (!joined) {
                if (hits.size() == top) {
                    continue; // later ones may still join a listed hit
                }
                hits.add(new SearchHit(e, scores[i], 1));
            }
        }
        return hits;
    }

    /** {@code hit} with its span grown to cover {@code more} ({@code count} more moments); its score stays. */
    private static SearchHit joined(SearchHit hit, IndexEntry more, int count) {
        IndexEntry k = hit.entry();
        IndexEntry span = new IndexEntry(k.id(), k.videoId(), k.path(), Math.min(k.start(), more.start()),
                Math.max(k.end(), more.end()), k.duration(), false, k.size(), k.modified(), k.hash());
        return new SearchHit(span, hit.score(), hit.mergedMoments() + count);
    }

    /** {@code v} scaled to length 1 (a zero vector stays zero): the vector an entry is searched by. */
    public static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] u = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = (float) (v[i] / (norm == 0 ? 1 : norm));
        }
        return u;
    }

    @Override
    public Optional<IndexEntry> entry(String id) {
        return document(id).map(EntryDocs::entry);
    }

    @Override
    public Optional<byte[]> thumbnail(String id) {
        return document(id).map(d -> d.getBinaryValue(EntryDocs.THUMBNAIL))
                .map(r -> java.util.Arrays.copyOfRange(r.bytes, r.offset, r.offset + r.length));
    }

    @Override
    public Optional<Path> videoFile(String videoId) {
        IndexSearcher searcher = acquire();
        try {
            BooleanQuery q = new BooleanQuery.Builder()
                    .add(new TermQuery(new Term(EntryDocs.VIDEO, videoId)), BooleanClause.Occur.FILTER)
                    .add(new TermQuery(new Term(EntryDocs.KIND, EntryDocs.KIND_VIDEO)), BooleanClause.Occur.FILTER)
                    .build();
            TopDocs top = searcher.search(q, 1);
            if (top.scoreDocs.length == 0) {
                return Optional.empty();
            }
            Path file = Path.of(searcher.storedFields().document(top.scoreDocs[0].doc).get(EntryDocs.PATH));
            // a tar member has no file of its own to serve; a file gone since indexing is not served either
            return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        } finally {
            release(searcher);
        }
    }

    @Override
    public IndexStatus status() {
        IndexSearcher searcher = acquire();
        try {
            Map<String, String> data = ((DirectoryReader) searcher.getIndexReader()).getIndexCommit().getUserData();
            Moments moments = Moments.parse(data.getOrDefault(MOMENTS, "none"));
            List<IndexStatus.Skipped> skipped = new ArrayList<>();
            JsonNode list = new ObjectMapper().readTree(data.getOrDefault(SKIPPED, "[]"));
            list.forEach(n -> skipped.add(new IndexStatus.Skipped(n.path("path").asText(), n.path("reason").asText())));
            return new IndexStatus(data.getOrDefault(MODEL_DIR, data.get(MODEL_KEY)),
                    searcher.count(new TermQuery(new Term(EntryDocs.KIND, EntryDocs.KIND_VIDEO))),
                    searcher.count(new TermQuery(new Term(EntryDocs.KIND, EntryDocs.KIND_MOMENT))),
                    moments.windowSeconds(), moments.strideSeconds(), skipped);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        } finally {
            release(searcher);
        }
    }

    private Optional<Document> document(String id) {
        IndexSearcher searcher = acquire();
        try {
            return byId(searcher, id);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        } finally {
            release(searcher);
        }
    }

    private static Optional<Document> byId(IndexSearcher searcher, String id) throws IOException {
        TopDocs top = searcher.search(new TermQuery(new Term(EntryDocs.ID, id)), 1);
        return top.scoreDocs.length == 0 ? Optional.empty()
                : Optional.of(searcher.storedFields().document(top.scoreDocs[0].doc));
    }

    private IndexSearcher acquire() {
        try {
            searchers.maybeRefresh(); // a newer commit (vclip index running beside a server) becomes visible
            IndexSearcher searcher = searchers.acquire();
            String key = ((DirectoryReader) searcher.getIndexReader()).getIndexCommit().getUserData().get(MODEL_KEY);
            if (!sameModel(key, model)) { // rebuilt with another model since it was opened: its vectors mean nothing
                searchers.release(searcher);
                throw new SearchException(dir + ": rebuilt with another model since it was opened; open it again with "
                        + "that model");
            }
            return searcher;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    private void release(IndexSearcher searcher) {
        try {
            searchers.release(searcher);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            searchers.close();
            directory.close();
            if (ownedModel != null) {
                ownedModel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }
}

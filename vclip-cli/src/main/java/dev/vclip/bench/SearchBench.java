package dev.vclip.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.AtomicFiles;
import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.search.VideoIndex;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

@Command(name = "search", mixinStandardHelpOptions = true, description = {
        "The first stage of vclip search at scale, against exhaustive scoring: N synthetic unit vectors (a low-"
                + "dimensional latent through a random projection, plus noise, as video embeddings are) in a Lucene "
                + "index laid out as vclip index lays it out (HNSW, dot product, a stored copy of each vector), then "
                + "queries near the data: latency of the candidate search (the candidates' stored vectors read, as the "
                + "second stage needs them) and recall@K of the candidates against the exact top K by brute force.",
        "Example: vclip bench search --entries 10000,100000"})
final class SearchBench extends VclipCommand {

    @Option(names = "--entries", paramLabel = "N", split = ",", converter = Checks.AtLeastOne.class,
            description = "index sizes, comma-separated (default: ${DEFAULT-VALUE})")
    List<Integer> entries = List.of(10_000, 100_000);

    @Option(names = "--dim", paramLabel = "D", converter = Checks.AtLeastOne.class,
            description = "vector width (default: ${DEFAULT-VALUE}, X-CLIP B/32's)")
    int dim = 512;

    @Option(names = "--latent", paramLabel = "D", converter = Checks.AtLeastOne.class,
            description = "intrinsic dimension of the synthetic data (default: ${DEFAULT-VALUE})")
    int latent = 48;

    @Option(names = "--queries", paramLabel = "Q", converter = Checks.AtLeastOne.class,
            description = "queries per size (default: ${DEFAULT-VALUE})")
    int queries = 200;

    @Option(names = "--top", paramLabel = "K", converter = Checks.AtLeastOne.class,
            description = "results a query asks for (default: ${DEFAULT-VALUE})")
    int top = 10;

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--out", paramLabel = "FILE", description = "also write the results to this JSON file")
    Path out;

    @Override
    public Integer call() throws IOException {
        int candidates = Math.max(VideoIndex.MIN_CANDIDATES, VideoIndex.CANDIDATE_FACTOR * top);
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("dim", dim).put("latent", latent).put("queries", queries).put("top", top).put("candidates", candidates)
                .put("cores", Runtime.getRuntime().availableProcessors());
        ArrayNode rows = root.putArray("results");
        out().printf(Locale.ROOT, "first stage: HNSW (Lucene 9.12, M 16, beam 100), %d candidates for top %d; %d queries; "
                + "%d-d vectors of intrinsic dimension %d%n", candidates, top, queries, dim, latent);
        out().printf(Locale.ROOT, "%10s %12s %10s %10s %10s %12s %14s%n", "entries", "build s", "MB", "p50 ms", "p99 ms",
                "recall@" + top, "exact ms/query");
        for (int n : entries) {
            ObjectNode row = measure(n, candidates);
            rows.add(row);
            out().printf(Locale.ROOT, "%10d %12.1f %10.1f %10.2f %10.2f %12.3f %14.1f%n", n, row.get("build_s").asDouble(),
                    row.get("index_mb").asDouble(), row.get("p50_ms").asDouble(), row.get("p99_ms").asDouble(),
                    row.get("recall").asDouble(), row.get("exact_ms").asDouble());
            out().flush();
        }
        if (out != null) {
            AtomicFiles.write(out, root.toPrettyString().getBytes(StandardCharsets.UTF_8));
            err().println("wrote " + out);
        }
        return 0;
    }

    private ObjectNode measure(int n, int candidates) throws IOException {
        Random random = new Random(seed);
        float[][] projection = new float[dim][latent];
        for (float[] r : projection) {
            for (int j = 0; j < latent; j++) {
                r[j] = (float) random.nextGaussian();
            }
        }
        float[][] data = new float[n][];
        for (int i = 0; i < n; i++) {
            data[i] = sample(random, projection);
        }
        Path dir = Files.createTempDirectory("vclip-bench-search");
        try {
            long start = System.nanoTime();
            try (FSDirectory d = FSDirectory.open(dir);
                 IndexWriter w = new IndexWriter(d, new IndexWriterConfig().setRAMBufferSizeMB(512))) {
                for (int i = 0; i < n; i++) {
                    Document doc = new Document();
                    doc.add(new StringField("id", Integer.toString(i), Field.Store.YES));
                    doc.add(new KnnFloatVectorField("vector", data[i], VectorSimilarityFunction.DOT_PRODUCT));
                    doc.add(new StoredField("vector_stored", bytes(data[i])));
                    w.addDocument(doc);
                }
                w.commit();
            }
            double buildSeconds = (System.nanoTime() - start) / 1e9;
            double mb = size(dir) / 1e6;
            double[] ms = new double[queries];
            double recall = 0;
            double exactMs = 0;
            try (FSDirectory d = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(d)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                for (int q = 0; q < queries; q++) {
                    // a query near the data: a point of the same distribution (texts land near the videos they match)
                    float[] query = sample(random, projection);
                    long t = System.nanoTime();
                    TopDocs found = searcher.search(new KnnFloatVectorQuery("vector", query, candidates), candidates);
                    Set<String> ids = new HashSet<>();
                    for (ScoreDoc sd : found.scoreDocs) {
                        Document doc = searcher.storedFields().document(sd.doc);
                        ids.add(doc.get("id"));
                        doc.getBinaryValue("vector_stored"); // the second stage reads each candidate's data
                    }
                    ms[q] = (System.nanoTime() - t) / 1e6;
                    t = System.nanoTime();
                    int[] exact = exactTop(data, query, top);
                    exactMs += (System.nanoTime() - t) / 1e6;
                    int hit = 0;
                    for (int i : exact) {
                        hit += ids.contains(Integer.toString(i)) ? 1 : 0;
                    }
                    recall += (double) hit / top;
                }
            }
            Arrays.sort(ms);
            return new ObjectMapper().createObjectNode().put("entries", n).put("build_s", buildSeconds)
                    .put("index_mb", mb).put("p50_ms", ms[queries / 2])
                    .put("p99_ms", ms[Math.min(queries - 1, (int) Math.ceil(queries * 0.99) - 1)])
                    .put("recall", recall / queries).put("exact_ms", exactMs / queries);
        } finally {
            ScratchFolder.delete(dir);
        }
    }

    private float[] sample(Random random, float[][] projection) {
        float[] z = new float[latent];
        for (int j = 0; j < latent; j++) {
            z[j] = (float) random.nextGaussian();
        }
        float[] v = new float[dim];
        double norm = 0;
        for (int i = 0; i < dim; i++) {
            double s = 0.3 * random.nextGaussian();
            for (int j = 0; j < latent; j++) {
                s += projection[i][j] * z[j];
            }
            v[i] = (float) s;
            norm += s * s;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dim; i++) {
            v[i] *= inv;
        }
        return v;
    }

    /** The exact top K by dot product (a plain loop over every vector: what exhaustive scoring costs in Java). */
    private static int[] exactTop(float[][] data, float[] query, int k) {
        double[] best = new double[k];
        int[] index = new int[k];
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < data.length; i++) {
            double dot = 0;
            float[] v = data[i];
            for (int j = 0; j < v.length; j++) {
                dot += v[j] * query[j];
            }
            if (dot > best[k - 1]) {
                int p = k - 1;
                while (p > 0 && best[p - 1] < dot) {
                    best[p] = best[p - 1];
                    index[p] = index[p - 1];
                    p--;
                }
                best[p] = dot;
                index[p] = i;
            }
        }
        return index;
    }

    private static byte[] bytes(float[] v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}

package dev.vclip.spark;

import dev.vclip.TestResources;
import dev.vclip.data.synth.SynthConfig;
import dev.vclip.data.synth.SyntheticDataset;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Progress;
import dev.vclip.search.IndexRun;
import dev.vclip.search.LibraryFiles;
import dev.vclip.search.Moments;
import dev.vclip.search.SearchHit;
import dev.vclip.search.SearchQuery;
import dev.vclip.search.StoredEntry;
import dev.vclip.search.VideoIndex;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job on local[2]: its rows are the entries {@code vclip index} computes for the same videos (features within
 * 1e-5), a broken video is a row with its error, an index imported from the output answers queries as the index
 * built directly does, and an existing output is refused.
 */
class CorpusEmbeddingTest {
    @TempDir
    static Path shared;
    static Path library;
    static Path broken;
    static SparkSession spark;
    static VideoTextModel model;
    static Path modelDir;
    static CorpusEmbedding.Summary summary;
    static Path output;

    @BeforeAll
    static void embed() throws IOException {
        library = shared.resolve("library");
        // 11 classes, one clip each at 64 px, and one 30-s video for moments
        SyntheticDataset.generate(library, SynthConfig.of(SynthConfig.Size.SMALL).withClipsPerClass(1)
                .withClipFrames(24).withResolution(64, 64).withLongVideos(1, 30).withSeed(5), false, null);
        broken = library.resolve("videos/broken.mp4");
        Files.write(broken, "not a video at all".repeat(100).getBytes());
        modelDir = TestResources.repositoryModel("xclip-synth");
        model = ModelFolder.load(modelDir);
        spark = LocalSpark.start("local[2]", "vclip test");
        output = shared.resolve("embeddings");
        summary = CorpusEmbedding.run(spark, new CorpusEmbedding.Options(inputs(),
                modelDir.toString(), output.toString(), Moments.DEFAULT, 0, false));
    }

    static List<Path> paths() {
        return List.of(library.resolve("videos"), library.resolve("long"));
    }

    static List<String> inputs() {
        return paths().stream().map(Path::toString).toList();
    }

    @AfterAll
    static void close() {
        if (spark != null) {
            spark.stop();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void rowsAreTheEntriesTheIndexComputesForTheSameVideos() {
        List<LibraryFiles.VideoFile> files = LibraryFiles.list(paths());
        assertEquals(files.size(), summary.videos());
        assertEquals(files.size() - 1, summary.embedded());
        Map<String, Row> rows = new HashMap<>();
        for (Row r : spark.read().parquet(output.toString()).collectAsList()) {
            if (r.getAs(EmbeddingsParquet.ERROR) == null) {
                assertEquals(null, rows.put(r.getAs(EmbeddingsParquet.ENTRY_ID), r), "one row per entry");
            }
        }
        int expected = 0;
        for (LibraryFiles.VideoFile f : files) {
            if (f.spec().equals(broken.toString())) {
                continue;
            }
            List<StoredEntry> entries = IndexRun.embedVideo(model, Moments.DEFAULT, f, f.spec(), f.contentHash());
            expected += entries.size();
            for (StoredEntry e : entries) {
                Row r = rows.get(e.entry().id());
                assertNotNull(r, e.entry().id() + " of " + f.spec());
                assertEquals(e.entry().path(), r.getAs(EmbeddingsParquet.PATH));
                assertEquals(e.entry().hash(), r.getAs(EmbeddingsParquet.HASH));
                assertEquals(e.entry().start(), r.<Double>getAs(EmbeddingsParquet.START), 1e-9);
                assertEquals(e.entry().end(), r.<Double>getAs(EmbeddingsParquet.END), 1e-9);
                assertEquals(e.entry().whole(), r.<Boolean>getAs(EmbeddingsParquet.WHOLE));
                assertSameEmbedding(e.features(), EmbeddingsParquet.floats(r.getList(r.fieldIndex(
                        EmbeddingsParquet.EMBEDDING))), e.entry().id());
                assertSameEmbedding(e.context(), EmbeddingsParquet.floats(r.getList(r.fieldIndex(
                        EmbeddingsParquet.CONTEXT))), e.entry().id() + " context");
                assertEquals(VideoIndex.modelKey(model), r.getAs(EmbeddingsParquet.MODEL));
            }
        }
        assertEquals(expected, rows.size());
        assertTrue(expected > files.size(), "the long video has moments");
    }

    @Test
    void aBrokenVideoIsARowWithItsErrorNotAFailedJob() {
        assertEquals(1, summary.failed());
        assertEquals(broken.toString(), summary.failures().get(0).path());
        List<Row> failed = spark.read().parquet(output.toString()).filter(EmbeddingsParquet.ERROR + " is not null")
                .collectAsList();
        assertEquals(1, failed.size());
        assertEquals(broken.toString(), failed.get(0).getAs(EmbeddingsParquet.PATH));
        assertTrue(failed.get(0).<String>getAs(EmbeddingsParquet.ERROR).contains("broken.mp4"),
                failed.get(0).<String>getAs(EmbeddingsParquet.ERROR));
    }

    @Test
    void anIndexImportedFromTheOutputAnswersAsTheIndexBuiltDirectly() {
        Path direct = shared.resolve("direct-" + System.nanoTime());
        IndexRun.run(direct, model, LibraryFiles.list(paths(), new java.util.ArrayList<>()),
                new IndexRun.Options(Moments.DEFAULT, 2, 50, false, modelDir), Progress.Factory.SILENT);
        Path imported = shared.resolve("imported-" + System.nanoTime());
        IndexRun.Report report = ParquetIndex.importInto(spark, output.toString(),
                ParquetIndex.origin(spark, output.toString()), imported, modelDir, false,
                Progress.Factory.SILENT);
        assertEquals(summary.embedded(), report.embedded());
        assertEquals(1, report.skipped().size());
        try (VideoIndex a = VideoIndex.open(direct, model); VideoIndex b = VideoIndex.open(imported, model)) {
            assertEquals(a.status().videos(), b.status().videos());
            assertEquals(a.status().moments(), b.status().moments());
            for (String text : List.of("a red circle moving left", "zoom in")) {
                List<SearchHit> x = a.searchExhaustively(SearchQuery.text(text, 10));
                List<SearchHit> y = b.searchExhaustively(SearchQuery.text(text, 10));
                assertEquals(x.stream().map(h -> h.entry().id()).toList(), y.stream().map(h -> h.entry().id()).toList());
                for (int i = 0; i < x.size(); i++) {
                    assertEquals(x.get(i).score(), y.get(i).score(), 1e-4);
                }
            }
        }
        // a second import of the same output changes nothing
        IndexRun.Report again = ParquetIndex.importInto(spark, output.toString(),
                ParquetIndex.origin(spark, output.toString()), imported, modelDir, false,
                Progress.Factory.SILENT);
        assertEquals(0, again.embedded());
        assertEquals(summary.embedded(), again.unchanged());
    }

    @Test
    void videosAndTheModelOnAnotherFileSystemAreCopiedToTheExecutorAndGiveTheSameRows() {
        spark.sparkContext().hadoopConfiguration().set("fs." + RemoteTestFileSystem.SCHEME + ".impl",
                RemoteTestFileSystem.class.getName());
        spark.sparkContext().hadoopConfiguration().set("fs." + RemoteTestFileSystem.SCHEME + ".impl.disable.cache",
                "true");
        String remote = RemoteTestFileSystem.SCHEME + "://";
        Path out = shared.resolve("remote-embeddings");
        CorpusEmbedding.Summary s = CorpusEmbedding.run(spark, new CorpusEmbedding.Options(
                List.of(remote + library.resolve("videos")), remote + modelDir, out.toString(), Moments.DEFAULT, 3,
                false));
        assertEquals(12, s.videos());
        assertEquals(1, s.failed());
        assertEquals(VideoIndex.modelKey(model), ParquetIndex.origin(spark, out.toString()).modelKey(),
                "a copy of the model folder on the executor has the model's key");
        Map<String, Row> local = new HashMap<>();
        for (Row r : spark.read().parquet(output.toString()).collectAsList()) {
            local.put(r.getAs(EmbeddingsParquet.PATH), r);
        }
        for (Row r : spark.read().parquet(out.toString()).filter(EmbeddingsParquet.ERROR + " is null")
                .collectAsList()) {
            String path = r.getAs(EmbeddingsParquet.PATH);
            assertTrue(path.startsWith(RemoteTestFileSystem.SCHEME + ":/"), path);
            Row same = local.get(path.substring(path.indexOf(':') + 1));
            assertNotNull(same, path);
            assertEquals(same.<String>getAs(EmbeddingsParquet.HASH), r.getAs(EmbeddingsParquet.HASH));
            assertSameEmbedding(EmbeddingsParquet.floats(same.getList(same.fieldIndex(EmbeddingsParquet.EMBEDDING))),
                    EmbeddingsParquet.floats(r.getList(r.fieldIndex(EmbeddingsParquet.EMBEDDING))), path);
        }
    }

    @Test
    void aModelTheExecutorsCannotLoadFailsTheJobNamingTheCause() throws IOException {
        Path broken = Files.createDirectories(shared.resolve("no-weights"));
        Files.copy(modelDir.resolve("config.json"), broken.resolve("config.json"));
        SparkJobException e = assertThrows(SparkJobException.class, () -> CorpusEmbedding.run(spark,
                new CorpusEmbedding.Options(List.of(library.resolve("videos").toString()), broken.toString(),
                        shared.resolve("never").toString(), Moments.DEFAULT, 2, false)));
        assertTrue(e.getMessage().startsWith("the job failed: ") && e.getMessage().contains(broken.toString()),
                e.getMessage());
    }

    @Test
    void anExistingOutputIsRefusedBeforeAnyWork() {
        SparkJobException e = assertThrows(SparkJobException.class, () -> CorpusEmbedding.run(spark,
                new CorpusEmbedding.Options(inputs(), modelDir.toString(),
                        output.toString(), Moments.DEFAULT, 0, false)));
        assertTrue(e.getMessage().contains(output.toString()) && e.getMessage().contains("--overwrite"), e.getMessage());
    }

    @Test
    void theOutputNamesOneModelAndOneMomentPlan() {
        ParquetIndex.Origin origin = ParquetIndex.origin(spark, output.toString());
        assertEquals(VideoIndex.modelKey(model), origin.modelKey());
        assertEquals(Moments.DEFAULT, origin.moments());
        assertEquals(modelDir.toString(), origin.modelPath());
    }

    /**
     * The same embedding: the unit vectors (what the index searches) within 1e-5, and the raw values within 1e-5 of
     * the vector's largest magnitude. Not bit-equal: libtorch splits its GEMMs by the calling thread's pool, so a
     * Spark task thread (or an executor with another core count) sums in another order; X-CLIP features reach |55| on
     * the bundled model, where a few float ulps are 3e-5.
     */
    static void assertSameEmbedding(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        float[] u = VideoIndex.unit(expected);
        float[] v = VideoIndex.unit(actual);
        float worstUnit = 0;
        float worst = 0;
        float scale = 0;
        for (int i = 0; i < expected.length; i++) {
            worstUnit = Math.max(worstUnit, Math.abs(u[i] - v[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        assertTrue(worstUnit <= 1e-5f, what + ": unit vectors differ by " + worstUnit);
        assertTrue(worst <= 1e-5f * scale, what + ": max |diff| " + worst + ", max |x| " + scale);
    }

}

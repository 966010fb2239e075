package dev.vclip.search;

import dev.vclip.TestResources;
import dev.vclip.data.LabelTable;
import dev.vclip.data.synth.SynthConfig;
import dev.vclip.data.synth.SyntheticDataset;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.report.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The index on a synthetic library with the bundled model: queries, incremental runs, refusals. */
class VideoIndexTest {

    @TempDir
    static Path shared;

    static Path synth;
    static VideoTextModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void library() {
        synth = shared.resolve("synth");
        // all 11 classes, 3 clips each at 64 px, and one 30-s long video for moments
        SyntheticDataset.generate(synth, SynthConfig.of(SynthConfig.Size.SMALL).withClipsPerClass(3).withClipFrames(24)
                .withResolution(64, 64).withLongVideos(1, 30).withSeed(11), false, null);
        model = ModelFolder.load(TestResources.repositoryModel("xclip-synth"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static IndexRun.Report index(Path index, List<Path> inputs, IndexRun.Options options) {
        return IndexRun.run(index, model, LibraryFiles.list(inputs), options, Progress.Factory.SILENT);
    }

    private static IndexRun.Options options() {
        return new IndexRun.Options(Moments.DEFAULT, 2, 5, false, null);
    }

    /**
     * Class names as queries over whole videos: the bundled model was trained on class names, but its text side is
     * weak for ranking videos (issue 15), so the floor is set well under what it measures (printed) and far over
     * chance (3 of 33 videos per class: 9 %).
     */
    @Test
    void classNameQueriesRankVideosOfThatClassFirst() {
        Path index = dir.resolve("idx");
        IndexRun.Report r = index(index, List.of(synth.resolve("videos"), synth.resolve("long")), options());
        assertEquals(34, r.videos());
        assertEquals(34, r.embedded());
        assertTrue(r.skipped().isEmpty(), r.skipped().toString());
        LabelTable labels = LabelTable.read(synth.resolve("labels.csv"));
        int relevant = 0;
        int shown = 0;
        List<String> lines = new ArrayList<>();
        try (VideoIndex idx = VideoIndex.open(index, model)) {
            for (int c = 0; c < labels.size(); c++) {
                String name = labels.name(c);
                String file = name.replace(' ', '_').replace("-", "") + "_";
                List<SearchHit> hits = idx.search(new SearchQuery(name, null, 3, SearchQuery.Scope.VIDEOS, null, 0));
                assertEquals(3, hits.size());
                long right = hits.stream().filter(h -> Path.of(h.entry().path()).getFileName().toString()
                        .replace("-", "").startsWith(file)).count();
                relevant += (int) right;
                shown += hits.size();
                lines.add(name + ": " + right + "/3");
            }
        }
        double precision = (double) relevant / shown;
        System.out.printf(Locale.ROOT, "class-name queries, precision@3 over whole videos: %.1f %% (%s)%n",
                100 * precision, String.join(", ", lines));
        assertTrue(precision >= 0.25, "precision@3 " + precision + ": " + lines);
    }

    @Test
    void statusFiltersAndMomentsOfALongVideo() {
        Path index = dir.resolve("idx");
        index(index, List.of(synth.resolve("videos").resolve("growing_000.mp4"), synth.resolve("long")), options());
        try (VideoIndex idx = VideoIndex.open(index, model)) {
            IndexStatus s = idx.status();
            assertEquals(2, s.videos());
            // 32 s, 8-s windows every 4 s: starts 0, 4, ..., 20 and the tail at 24
            assertEquals(7, s.moments());
            List<SearchHit> moments = idx.search(new SearchQuery("growing", null, 50, SearchQuery.Scope.MOMENTS, null, 0));
            assertFalse(moments.isEmpty());
            for (SearchHit h : moments) {
                assertFalse(h.entry().whole());
                assertTrue(h.entry().path().endsWith("long_000.mp4"));
            }
            int merged = moments.stream().mapToInt(SearchHit::mergedMoments).sum();
            assertEquals(7, merged, "overlapping moments of one video merge into one hit, none is lost");
            assertEquals(1, moments.size(), "all seven overlap their neighbours: one hit spanning the video");
            assertEquals(0, moments.get(0).entry().start(), 1e-9);
            assertEquals(moments.get(0).entry().duration(), moments.get(0).entry().end(), 1e-6);
            assertTrue(moments.get(0).entry().duration() >= 30, "a long video of at least 30 s");

            List<SearchHit> videos = idx.search(new SearchQuery("growing", null, 10, SearchQuery.Scope.VIDEOS,
                    synth.resolve("videos").toAbsolutePath().toString(), 0));
            assertEquals(1, videos.size(), "the path prefix keeps only the short clip");
            assertTrue(videos.get(0).entry().whole());
            List<SearchHit> longOnes = idx.search(new SearchQuery("growing", null, 10, SearchQuery.Scope.VIDEOS, null,
                    10));
            assertEquals(1, longOnes.size(), "the 2.4-s clip is under the minimum duration");
            assertTrue(longOnes.get(0).entry().path().endsWith("long_000.mp4"));

            String clipId = videos.get(0).entry().id();
            assertTrue(idx.thumbnail(clipId).orElseThrow().length > 100, "a JPEG thumbnail");
            assertEquals(videos.get(0).entry(), idx.entry(clipId).orElseThrow());
            assertEquals(Path.of(videos.get(0).entry().path()), idx.videoFile(videos.get(0).entry().videoId()).orElseThrow());
            assertTrue(idx.videoFile("../../etc/passwd").isEmpty());
            List<SearchHit> like = idx.search(SearchQuery.like(clipId, 2));
            assertEquals(clipId, like.get(0).entry().id(), "an entry is most like itself");
            assertEquals(1.0, like.get(0).score(), 1e-5);
            SearchException e = assertThrows(SearchException.class, () -> idx.search(SearchQuery.like("nope", 2)));
            assertTrue(e.getMessage().contains("no entry 'nope'"), e.getMessage());

            // a video file as the example: the whole clip, or the moment around a second of the long video
            String clip = videos.get(0).entry().path();
            List<SearchHit> byFile = idx.search(new SearchQuery(null, null, clip, null, 1, SearchQuery.Scope.VIDEOS,
                    null, 0));
            assertEquals(clipId, byFile.get(0).entry().id());
            assertEquals(1.0, byFile.get(0).score(), 1e-4, "the same frames give the same vector");
            String longVideo = synth.resolve("long/long_000.mp4").toString();
            List<SearchHit> around = idx.search(new SearchQuery(null, null, longVideo, 12.0, 1,
                    SearchQuery.Scope.MOMENTS, null, 0));
            assertEquals(1.0, around.get(0).score(), 1e-4, "second 12 of the long video: the 8-16 s moment itself");
            assertThrows(SearchException.class, () -> idx.search(new SearchQuery(null, null, longVideo, 999.0, 1,
                    SearchQuery.Scope.ALL, null, 0)));
            assertThrows(SearchException.class, () -> new SearchQuery("x", null, longVideo, null, 1, null, null, 0));
            assertThrows(SearchException.class, () -> new SearchQuery("x", null, null, 3.0, 1, null, null, 0));
        }
    }

    @Test
    void aRerunEmbedsOnlyNewAndChangedFilesMovesRenamedOnesAndDropsDeletedOnes() throws IOException {
        Path library = Files.createDirectories(dir.resolve("library"));
        Path videos = synth.resolve("videos");
        for (String name : List.of("growing_000.mp4", "shrinking_000.mp4", "appearing_000.mp4", "bouncing_000.mp4")) {
            Files.copy(videos.resolve(name), library.resolve(name));
        }
        Path index = dir.resolve("idx");
        IndexRun.Report first = index(index, List.of(library), options());
        assertEquals(4, first.embedded());

        Files.copy(videos.resolve("moving_left_000.mp4"), library.resolve("new.mp4"));                 // added
        Files.copy(videos.resolve("moving_up_000.mp4"), library.resolve("growing_000.mp4"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);                                       // changed
        Files.setLastModifiedTime(library.resolve("growing_000.mp4"), FileTime.fromMillis(System.currentTimeMillis()
                + 5000));
        Files.delete(library.resolve("shrinking_000.mp4"));                                               // deleted
        Files.createDirectories(library.resolve("sub"));
        Files.move(library.resolve("appearing_000.mp4"), library.resolve("sub/renamed.mp4"));            // moved
        IndexRun.Report second = index(index, List.of(library), options());
        assertEquals(4, second.videos());
        assertEquals(2, second.embedded(), "the new file and the changed one");
        assertEquals(1, second.unchanged());
        assertEquals(1, second.moved());
        assertEquals(1, second.removed());

        try (VideoIndex idx = VideoIndex.open(index, model)) {
            assertEquals(4, idx.status().videos());
            Set<String> paths = idx.search(new SearchQuery("appearing", null, 10, SearchQuery.Scope.VIDEOS, null, 0))
                    .stream().map(h -> Path.of(h.entry().path()).getFileName().toString()).collect(Collectors.toSet());
            assertEquals(Set.of("new.mp4", "growing_000.mp4", "renamed.mp4", "bouncing_000.mp4"), paths);
        }
        IndexRun.Report third = index(index, List.of(library), options());
        assertEquals(4, third.unchanged(), "nothing left to do");
        assertEquals(0, third.embedded() + third.moved() + third.removed());

        // touched (a new time, the same bytes): recognised by its hash, not embedded again
        Files.setLastModifiedTime(library.resolve("bouncing_000.mp4"), FileTime.fromMillis(System.currentTimeMillis()
                + 60_000));
        // two deleted files of the same content: both removed
        Files.copy(videos.resolve("vanishing_000.mp4"), library.resolve("twin1.mp4"));
        Files.copy(videos.resolve("vanishing_000.mp4"), library.resolve("twin2.mp4"));
        IndexRun.Report fourth = index(index, List.of(library), options());
        assertEquals(2, fourth.embedded(), "the twins");
        assertEquals(4, fourth.unchanged(), "the touched file counts as unchanged");
        Files.delete(library.resolve("twin1.mp4"));
        Files.delete(library.resolve("twin2.mp4"));
        IndexRun.Report fifth = index(index, List.of(library), options());
        assertEquals(2, fifth.removed());
        assertEquals(0, fifth.embedded() + fifth.moved());
        try (VideoIndex idx = VideoIndex.open(index, model)) {
            assertEquals(4, idx.status().videos());
        }
    }

    /** More windows than a worker holds: the video is read in chunks on the model's thread, to the same result. */
    @Test
    void aVideoOfManyMomentsIsEncodedInChunks() {
        Path index = dir.resolve("idx");
        IndexRun.Report r = index(index, List.of(synth.resolve("long")), new IndexRun.Options(new Moments(1, 0.5), 1, 5,
                false, null));
        assertEquals(1, r.embedded());
        assertTrue(r.entriesAdded() > IndexRun.PREFETCHED_SPANS + 1, "entries: " + r.entriesAdded());
        try (VideoIndex idx = VideoIndex.open(index, model)) {
            String longVideo = synth.resolve("long/long_000.mp4").toString();
            for (double second : new double[]{0.5, 12.5, 25.5}) { // windows of the first, a middle and a later chunk
                List<SearchHit> around = idx.search(new SearchQuery(null, null, longVideo, second, 1,
                        SearchQuery.Scope.MOMENTS, null, 0));
                assertEquals(1.0, around.get(0).score(), 1e-4, "second " + second + ": its own moment");
            }
            assertTrue(idx.thumbnail(around(idx, longVideo)).orElseThrow().length > 100);
        }
    }

    private static String around(VideoIndex idx, String video) {
        return idx.search(new SearchQuery(null, null, video, 20.0, 1, SearchQuery.Scope.MOMENTS, null, 0)).get(0)
                .entry().id();
    }

    @Test
    void unreadableVideosAreSkippedCountedAndListed() throws IOException {
        Path library = Files.createDirectories(dir.resolve("library"));
        Files.copy(synth.resolve("videos/growing_000.mp4"), library.resolve("good.mp4"));
        Files.write(library.resolve("broken.mp4"), new byte[]{0, 0, 0, 24, 'f', 't', 'y', 'p', 1, 2, 3});
        Files.writeString(library.resolve("notes.txt"), "not a video: not even listed");
        Path index = dir.resolve("idx");
        IndexRun.Report r = index(index, List.of(library), options());
        assertEquals(2, r.videos());
        assertEquals(1, r.skipped().size());
        assertTrue(r.skipped().get(0).path().endsWith("broken.mp4"), r.skipped().toString());
        try (VideoIndex idx = VideoIndex.open(index, model)) {
            assertEquals(1, idx.status().videos());
            assertEquals(r.skipped(), idx.status().skipped());
        }
    }

    @Test
    void aDamagedArchiveInsideAFolderIsSkippedNotFatal() throws IOException {
        Path library = Files.createDirectories(dir.resolve("library"));
        Files.copy(synth.resolve("videos/growing_000.mp4"), library.resolve("good.mp4"));
        byte[] junk = new byte[3000];
        java.util.Arrays.fill(junk, (byte) 'x');
        Files.write(library.resolve("damaged.tar"), junk);
        List<IndexStatus.Skipped> problems = new ArrayList<>();
        List<LibraryFiles.VideoFile> files = LibraryFiles.list(List.of(library), problems);
        assertEquals(1, files.size());
        assertTrue(files.get(0).spec().endsWith("good.mp4"));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).path().endsWith("damaged.tar"), problems.toString());
        dev.vclip.VclipException strict = assertThrows(dev.vclip.VclipException.class,
                () -> LibraryFiles.list(List.of(library)));
        assertTrue(strict.getMessage().contains("damaged.tar"), strict.getMessage());
    }

    /**
     * The model key travels: an index made with the model opens with a copy of its folder elsewhere (an index
     * embedded on a cluster, searched on a laptop), and one recorded with the older path-and-time key still opens.
     */
    @Test
    void theModelKeyIsTheSameForACopyOfTheModelFolderAndTheOldKeyStillOpens() throws IOException {
        Path index = dir.resolve("keyed");
        index(index, List.of(synth.resolve("videos/growing_000.mp4")), options());
        Path copy = Files.createDirectories(dir.resolve("elsewhere/model"));
        try (var files = Files.list(TestResources.repositoryModel("xclip-synth"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        try (VideoTextModel copied = ModelFolder.load(copy)) {
            assertEquals(VideoIndex.modelKey(model), VideoIndex.modelKey(copied));
            try (VideoIndex idx = VideoIndex.open(index, copied)) {
                assertEquals(1, idx.status().videos());
            }
        }
        try (org.apache.lucene.store.Directory d = org.apache.lucene.store.FSDirectory.open(index);
             org.apache.lucene.index.IndexWriter w = new org.apache.lucene.index.IndexWriter(d,
                     new org.apache.lucene.index.IndexWriterConfig())) {
            java.util.Map<String, String> data = new java.util.HashMap<>(VideoIndex.commitData(index));
            data.put(VideoIndex.MODEL_KEY, VideoIndex.legacyModelKey(model));
            w.setLiveCommitData(data.entrySet());
            w.commit();
        }
        try (VideoIndex idx = VideoIndex.open(index, model)) {
            assertEquals(1, idx.status().videos());
        }
        assertEquals(1, index(index, List.of(synth.resolve("videos/growing_000.mp4"),
                synth.resolve("videos/shrinking_000.mp4")), options()).embedded(), "an old index is extended");
        assertEquals(VideoIndex.modelKey(model), VideoIndex.commitData(index).get(VideoIndex.MODEL_KEY),
                "and records the new key");
    }

    @Test
    void aSecondWriterIsRefusedWhileAnotherHoldsTheIndex() throws IOException {
        Path index = dir.resolve("locked");
        index(index, List.of(synth.resolve("videos/growing_000.mp4")), options());
        try (org.apache.lucene.store.Directory d = org.apache.lucene.store.FSDirectory.open(index);
             org.apache.lucene.index.IndexWriter other = new org.apache.lucene.index.IndexWriter(d,
                     new org.apache.lucene.index.IndexWriterConfig())) {
            SearchException e = assertThrows(SearchException.class, () -> index(index,
                    List.of(synth.resolve("videos/shrinking_000.mp4")), options()));
            assertTrue(e.getMessage().contains(index.toString()) && e.getMessage().contains("another process"),
                    e.getMessage());
        }
        assertEquals(1, index(index, List.of(synth.resolve("videos/growing_000.mp4"),
                synth.resolve("videos/shrinking_000.mp4")), options()).embedded(), "and works once it is free");
    }

    @Test
    void aLoopingOrDanglingLinkIsNamedAsALinkNotAsAMissingFile() throws IOException {
        Path loop = dir.resolve("loop.mp4");
        Files.createSymbolicLink(loop, loop);
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.mp4"), dir.resolve("gone.mp4"));
        for (Path link : List.of(loop, dangling)) {
            dev.vclip.VclipException e = assertThrows(dev.vclip.VclipException.class,
                    () -> LibraryFiles.list(List.of(link)));
            assertTrue(e.getMessage().contains(link.toString()) && e.getMessage().contains("symbolic link"),
                    e.getMessage());
        }
        Path list = Files.writeString(dir.resolve("list.txt"), "ok.mp4\nbad\u0000name.mp4\n");
        Files.copy(synth.resolve("videos/growing_000.mp4"), dir.resolve("ok.mp4"));
        dev.vclip.VclipException e = assertThrows(dev.vclip.VclipException.class,
                () -> LibraryFiles.list(List.of(list)));
        assertTrue(e.getMessage().contains(list + ":2: not a file name"), e.getMessage());
    }

    @Test
    void anArchiveCutShortGivesItsWholeMembersAndIsReported() throws IOException {
        Path library = Files.createDirectories(dir.resolve("cut-library"));
        byte[] tar = Files.readAllBytes(synth.resolve("videos.tar"));
        Path cut = Files.write(library.resolve("cut.tar"), java.util.Arrays.copyOf(tar, tar.length / 2));
        int whole = dev.vclip.video.TarIndex.read(synth.resolve("videos.tar")).entries().size();
        List<IndexStatus.Skipped> problems = new ArrayList<>();
        List<LibraryFiles.VideoFile> files = LibraryFiles.list(List.of(library), problems);
        assertTrue(files.size() > 0 && files.size() < whole, files.size() + " of " + whole);
        assertEquals(1, problems.size(), problems.toString());
        assertEquals(cut.toString(), problems.get(0).path());
        assertTrue(problems.get(0).reason().contains("truncated") && problems.get(0).reason()
                .contains("whole members before it are used"), problems.get(0).reason());
    }

    @Test
    void anIndexOfAnotherModelIsRefusedUntilRebuilt() throws Exception {
        Path index = dir.resolve("idx");
        index(index, List.of(synth.resolve("videos/growing_000.mp4")), options());
        try (VideoTextModel other = ModelFolder.load(TestResources.path("models/xclip-tiny-a"))) {
            SearchException open = assertThrows(SearchException.class, () -> VideoIndex.open(index, other));
            assertTrue(open.getMessage().contains("made with another model"), open.getMessage());
            SearchException run = assertThrows(SearchException.class, () -> IndexRun.run(index, other,
                    LibraryFiles.list(List.of(synth.resolve("videos/growing_000.mp4"))), options(),
                    Progress.Factory.SILENT));
            assertTrue(run.getMessage().contains("--rebuild"), run.getMessage());
            IndexRun.Report rebuilt = IndexRun.run(index, other, LibraryFiles.list(List.of(synth.resolve(
                    "videos/growing_000.mp4"))), new IndexRun.Options(Moments.NONE, 1, 5, true, null), Progress.Factory.SILENT);
            assertEquals(1, rebuilt.embedded());
            try (VideoIndex idx = VideoIndex.open(index, other)) {
                assertEquals(1, idx.status().videos());
            }
        }
        SearchException none = assertThrows(SearchException.class, () -> VideoIndex.open(dir.resolve("nothing"), model));
        assertTrue(none.getMessage().contains("no such folder"), none.getMessage());
    }

    @Test
    void onlyMomentsThatWouldMakeTheListWidenAHit() {
        List<StoredEntry> found = new ArrayList<>();
        double[] scores = {9, 8, 1, 7};
        double[][] spans = {{0, 8}, {4, 12}, {8, 16}, {40, 48}};
        for (double[] s : spans) {
            found.add(new StoredEntry(new IndexEntry("v-m" + (int) s[0], "v", "a.mp4", s[0], s[1], 60, false, 1, 1,
                    "h"), new float[]{1}, new float[]{1}, 0, null, null));
        }
        List<SearchHit> hits = VideoIndex.merge(found, scores, 2);
        assertEquals(2, hits.size());
        assertEquals(0, hits.get(0).entry().start(), 1e-9);
        assertEquals(12, hits.get(0).entry().end(), 1e-9, "the 8-16 s moment scores 1: it does not widen the hit");
        assertEquals(2, hits.get(0).mergedMoments());
        assertEquals(9, hits.get(0).score(), 1e-9);
        assertEquals(40, hits.get(1).entry().start(), 1e-9);
    }

    @Test
    void momentsSpecsAndPlans() {
        assertEquals(new Moments(8, 4), Moments.parse("8s/4s"));
        assertEquals(new Moments(2.5, 1), Moments.parse("2.5/1"));
        assertEquals(Moments.NONE, Moments.parse("none"));
        assertThrows(dev.vclip.VclipException.class, () -> Moments.parse("8s"));
        assertThrows(dev.vclip.VclipException.class, () -> Moments.parse("0s/4s"));
        List<Moments.Span> spans = new Moments(8, 4).plan(100, 10, 8); // 10 s at 10 fps
        assertEquals(1, spans.size(), "under 1.5 windows: the whole video only");
        spans = new Moments(8, 4).plan(300, 10, 8);
        assertTrue(spans.get(0).whole());
        assertEquals(List.of(0.0, 4.0, 8.0, 12.0, 16.0, 20.0, 22.0),
                spans.subList(1, spans.size()).stream().map(Moments.Span::start).toList());
        for (Moments.Span s : spans) {
            assertEquals(8, s.frames().length);
            for (int f : s.frames()) {
                assertTrue(f >= s.start() * 10 - 1e-9 && f < Math.max(s.end() * 10, 1), s + ": frame " + f);
            }
        }
    }
}

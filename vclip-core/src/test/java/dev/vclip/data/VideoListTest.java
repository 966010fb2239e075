package dev.vclip.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoListTest {

    private static final LabelTable FIVE = LabelTable.of(List.of("a", "b", "c", "d", "e"));

    @Test
    void readsXclipListResolvedAgainstAFolderRoot() {
        Path file = DataFiles.resource("lists/train.txt");
        LabelTable labels = LabelTable.read(DataFiles.resource("labels/mixed_labels.csv"));
        VideoList list = VideoList.read(file, "/data/videos", labels, ParseReport.strict());
        assertEquals(7, list.size());
        assertEquals(VideoList.Layout.VIDEO, list.layout());
        VideoEntry first = list.get(0);
        assertEquals(new VideoEntry("/data/videos", "a.mp4", 0, 1), first);
        assertEquals("/data/videos/a.mp4", first.spec());
        assertEquals("/data/videos/sub/e.mp4", list.get(4).spec());
        assertEquals("#hash.mp4", list.get(5).relativePath(), "no comment lines: '#' starts a file name");
        assertEquals(3, list.get(5).label());
        assertEquals(1, list.get(6).label(), "tab separates fields too");
        assertEquals(7, list.get(6).line());
        assertFalse(first.hasFrameCount());
        assertEquals(List.of(0, 1, 2, 3, 4), List.copyOf(list.byClass().keySet()));
        assertEquals(2, list.byClass().get(2).size());
    }

    @Test
    void readsViFiClipNovelValNamesWithPunctuation() {
        LabelTable novel = LabelTable.read(DataFiles.resource("labels/hmdb_51_novel_labels.csv"));
        VideoList list = VideoList.read(DataFiles.resource("lists/hmdb_novel_val.txt"), "/hmdb51", novel,
                ParseReport.strict());
        assertEquals(3, list.size());
        assertEquals("Goalkeeper_Training_Day_#_2_catch_f_cm_np1_ba_bad_3.avi", list.get(2).relativePath());
        assertEquals("catch", novel.name(list.get(2).label()));
    }

    @Test
    void tarRootNamesArchiveAndMember() {
        VideoList list = VideoList.parse("val.txt", "c.mp4 1\nd.mp4 2\n", "/data/videos.tar", null,
                VideoList.Layout.AUTO, ParseReport.strict());
        VideoEntry entry = list.get(0);
        assertTrue(entry.inTarArchive());
        assertEquals("/data/videos.tar#c.mp4", entry.spec());
        DatasetFormatException e = DataFiles.fails("val.txt", 2, () -> VideoList.parse("val.txt",
                "c.mp4 1\nsub/d.mp4 2\n", "/data/videos.tar", null, VideoList.Layout.AUTO, ParseReport.strict()));
        DataFiles.contains(e, "plain file name", "sub/d.mp4");
    }

    @Test
    void absolutePathsStayAbsoluteLikeOsPathJoin() {
        VideoList list = VideoList.parse("l.txt", "/abs/a.mp4 0\n", "/root/", null, VideoList.Layout.AUTO,
                ParseReport.strict());
        assertEquals("/abs/a.mp4", list.get(0).spec());
        VideoList noRoot = VideoList.parse("l.txt", "a.mp4 0\n", null, null, VideoList.Layout.AUTO,
                ParseReport.strict());
        assertEquals("a.mp4", noRoot.get(0).spec());
    }

    @Test
    void readsRawframesLists() {
        VideoList list = VideoList.read(DataFiles.resource("lists/rawframes.txt"), "/data/rawframes");
        assertEquals(VideoList.Layout.RAWFRAMES, list.layout());
        assertEquals(3, list.size());
        assertEquals(163, list.get(0).totalFrames());
        assertEquals(2, list.get(2).label());
        assertTrue(list.get(0).hasFrameCount());
    }

    @Test
    void badFileStrictStopsAtTheBlankLine() {
        Path file = DataFiles.resource("bad/bad_list.txt");
        DatasetFormatException e = DataFiles.fails(file, 3, () -> VideoList.read(file, "/v", FIVE,
                ParseReport.strict()));
        DataFiles.contains(e, "blank line", "'path label'");
    }

    @Test
    void badFileLenientSkipsCountsAndReports() {
        Path file = DataFiles.resource("bad/bad_list.txt");
        ParseReport report = ParseReport.lenient();
        VideoList list = VideoList.read(file, "/v", FIVE, report);
        assertEquals(List.of("a.mp4", "b.mp4"), list.entries().stream().map(VideoEntry::relativePath).toList());
        assertEquals(3, report.skippedCount());
        assertEquals(3, report.skippedCount(file.toString()));
        assertEquals(2, report.acceptedCount(file.toString()));
        List<ParseReport.Problem> problems = report.problems();
        assertEquals(List.of(3, 4, 5), problems.stream().map(ParseReport.Problem::line).toList());
        assertTrue(problems.get(1).message().contains("label 'x' is not an integer"), problems.get(1).message());
        assertTrue(problems.get(2).message().contains("label 7 is not a class of <memory> (ids 0..4)"),
                problems.get(2).message());
        String summary = report.summary();
        assertTrue(summary.contains(file + ": 2 records read, 3 skipped"), summary);
        assertTrue(summary.contains(file + ":4: label 'x'"), summary);
    }

    @Test
    void aNulByteInAPathIsABadLineNamingItsLineNotACrash() {
        DataFiles.contains(DataFiles.fails("l.txt", 2, () -> parse("a.mp4 0\nb\u0000c.mp4 1\n", FIVE)),
                "control character (U+0000) at position 2");
        ParseReport report = ParseReport.lenient();
        VideoList list = VideoList.parse("l.txt", "a.mp4 0\nb\u0000c.mp4 1\nd.mp4 2\n", "/v", FIVE,
                VideoList.Layout.AUTO, report);
        assertEquals(List.of("a.mp4", "d.mp4"), list.entries().stream().map(VideoEntry::relativePath).toList());
        assertEquals(List.of(2), report.problems().stream().map(ParseReport.Problem::line).toList());
    }

    @Test
    void missingFieldNonIntegerAndUnknownLabelEachNameTheirLine() {
        DataFiles.contains(DataFiles.fails("l.txt", 2, () -> parse("a.mp4 0\nb.mp4\n", null)),
                "label is missing");
        DataFiles.contains(DataFiles.fails("l.txt", 2, () -> parse("a.mp4 0\nb.mp4 1.5\n", null)),
                "label '1.5' is not an integer");
        DataFiles.contains(DataFiles.fails("l.txt", 3, () -> parse("a.mp4 0\nb.mp4 4\nc.mp4 5\n", FIVE)),
                "label 5 is not a class of");
        DataFiles.contains(DataFiles.fails("l.txt", 1, () -> parse("a.mp4 -1\n", null)), "negative");
    }

    @Test
    void pathsWithSpacesAndMixedLayoutsAreExplained() {
        DataFiles.contains(DataFiles.fails("l.txt", 1, () -> parse("my video file.mp4 0\n", null)),
                "paths cannot contain whitespace");
        DataFiles.contains(DataFiles.fails("l.txt", 2, () -> parse("a.mp4 0\nmy video.mp4 1\n", null)),
                "like the first entry of this list (line 1)", "paths cannot contain whitespace");
        DataFiles.contains(DataFiles.fails("l.txt", 1, () -> parse("my video.mp4 1\n", null)),
                "total_frames 'video.mp4' is not an integer");
        DataFiles.contains(DataFiles.fails("l.txt", 1, () -> VideoList.parse("l.txt", "a 3 1\n", "/v", null,
                VideoList.Layout.VIDEO, ParseReport.strict())), "expected 'path label'", "found 3 fields");
    }

    @Test
    void commentLikeLinesGetAHint() {
        DatasetFormatException e = DataFiles.fails("l.txt", 1, () -> parse("# train split\na.mp4 0\n", null));
        DataFiles.contains(e, "no comment lines");
    }

    @Test
    void emptyFileAndFileWithoutEntriesAreFatal(@TempDir Path dir) {
        Path empty = DataFiles.resource("bad/empty.txt");
        DataFiles.contains(DataFiles.fails(empty, 0, () -> VideoList.read(empty, "/v")), "empty file");
        DataFiles.contains(DataFiles.fails("l.txt", 0, () -> VideoList.parse("l.txt", "\n\n", "/v", null,
                VideoList.Layout.AUTO, ParseReport.lenient())), "no valid entry in 2 lines");
    }

    @Test
    void crlfAndLoneCrCountAsLineEnds() {
        DataFiles.fails("l.txt", 3, () -> parse("a.mp4 0\r\nb.mp4 1\rc.mp4 x\n", null));
    }

    @Test
    void writeThenReadRoundTrip(@TempDir Path dir) {
        VideoList list = VideoList.of("/data/videos", List.of(new VideoEntry(null, "a.mp4", 3, 0),
                new VideoEntry(null, "sub/b.mp4", 0, 0), new VideoEntry(null, "#c.mp4", 4, 0)), FIVE);
        Path file = dir.resolve("train.txt");
        list.write(file);
        assertEquals("a.mp4 3\nsub/b.mp4 0\n#c.mp4 4\n", list.toText());
        VideoList back = VideoList.read(file, "/data/videos", FIVE, ParseReport.strict());
        assertEquals(list.toText(), back.toText());
        assertEquals(List.of(1, 2, 3), back.entries().stream().map(VideoEntry::line).toList());

        VideoList frames = VideoList.of("/f", List.of(new VideoEntry(null, "d1", 1, 0, 163),
                new VideoEntry(null, "d2", 2, 0, 0)), null);
        Path framesFile = dir.resolve("frames.txt");
        frames.write(framesFile);
        VideoList framesBack = VideoList.read(framesFile, "/f");
        assertEquals(VideoList.Layout.RAWFRAMES, framesBack.layout());
        assertEquals(frames.toText(), framesBack.toText());
    }

    @Test
    void writerRefusesWhatTheParserCouldNotReadBack() {
        VideoList spaced = VideoList.of("/v", List.of(new VideoEntry(null, "a b.mp4", 0, 0)), null);
        assertThrows(IllegalArgumentException.class, spaced::toText);
        assertThrows(IllegalArgumentException.class, () -> VideoList.of("/v", List.of(), null).toText());
        assertThrows(IllegalArgumentException.class, () -> VideoList.of("/v", List.of(
                new VideoEntry(null, "a", 0, 0), new VideoEntry(null, "b", 0, 0, 10)), null));
        assertThrows(IllegalArgumentException.class, () -> VideoList.of("/v.tar", List.of(
                new VideoEntry(null, "sub/a.mp4", 0, 0)), null));
        assertThrows(IllegalArgumentException.class, () -> VideoList.of("/v", List.of(
                new VideoEntry(null, "a.mp4", 9, 0)), FIVE));
    }

    private static VideoList parse(String text, LabelTable labels) {
        return VideoList.parse("l.txt", text, "/v", labels, VideoList.Layout.AUTO, ParseReport.strict());
    }
}

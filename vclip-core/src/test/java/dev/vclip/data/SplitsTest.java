package dev.vclip.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitsTest {

    private static final LabelTable FOUR = LabelTable.of("labels.csv", List.of("brush hair", "cartwheel", "catch",
            "chew"));

    /** Class c gets 5 + c videos, listed by class as ViFi-CLIP's lists are. */
    private static VideoList fullList() {
        List<VideoEntry> entries = new ArrayList<>();
        int line = 1;
        for (int c = 0; c < FOUR.size(); c++) {
            for (int i = 0; i < 5 + c; i++) {
                entries.add(new VideoEntry(null, "c" + c + "_v" + i + ".avi", c, line++));
            }
        }
        return VideoList.of("train1.txt", "/videos", entries, FOUR);
    }

    @Test
    void kShotDrawsExactlyKPerClassDeterministically() {
        VideoList full = fullList();
        VideoList two = Splits.kShot(full, 2, 7);
        assertEquals(8, two.size());
        for (Map.Entry<Integer, List<VideoEntry>> e : two.byClass().entrySet()) {
            assertEquals(2, e.getValue().size(), "class " + e.getKey());
            assertTrue(e.getValue().get(0).line() < e.getValue().get(1).line(), "list order within a class");
        }
        assertEquals(two.toText(), Splits.kShot(full, 2, 7).toText(), "same seed, same draw");
        assertNotEquals(two.toText(), Splits.kShot(full, 2, 8).toText(), "another seed, another draw");
        assertEquals(List.of(0, 0, 1, 1, 2, 2, 3, 3), two.entries().stream().map(VideoEntry::label).toList());
        assertEquals(FOUR, two.labels().orElseThrow());
        assertEquals(5, Splits.kShot(full, 5, 1).byClass().get(0).size());
    }

    @Test
    void kShotNamesEveryClassWithTooFewVideos() {
        VideoList full = fullList();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Splits.kShot(full, 7, 1));
        assertTrue(e.getMessage().contains("class 0 (brush hair) has 5, class 1 (cartwheel) has 6"), e.getMessage());
        VideoList missingClass = full.filter(v -> v.label() != 2);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Splits.kShot(missingClass, 1, 1));
        assertTrue(missing.getMessage().contains("class 2 (catch) has 0"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Splits.kShot(full, 0, 1));
    }

    @Test
    void kShotListRoundTripsAsAnOrdinaryVideoList(@TempDir Path dir) {
        VideoList four = Splits.kShot(fullList(), 4, 3);
        Path file = dir.resolve(Splits.fewShotListName(4));
        four.write(file);
        assertEquals("train1_few_shot_4.txt", file.getFileName().toString());
        VideoList back = VideoList.read(file, "/videos", FOUR, ParseReport.strict());
        assertEquals(four.toText(), back.toText());
    }

    @Test
    void baseNovelFromIdsRenumbersBothSides() {
        BaseNovelSplit split = Splits.baseNovel(FOUR, new int[]{3, 1});
        assertEquals(List.of("chew", "cartwheel"), split.base().names());
        assertEquals(List.of("brush hair", "catch"), split.novel().names());
        assertEquals(0, split.toBase(3));
        assertEquals(-1, split.toBase(0));
        assertEquals(1, split.toNovel(2));
        assertArrayEquals(new int[]{0, 2}, split.novelIds());

        VideoList base = split.baseVideos(fullList());
        assertEquals(6 + 8, base.size());
        assertEquals(split.base(), base.labels().orElseThrow());
        assertTrue(base.entries().stream().allMatch(v -> v.relativePath().startsWith(v.label() == 0 ? "c3" : "c1")));
        VideoList novel = split.novelVideos(fullList());
        assertEquals(5 + 7, novel.size());
        assertTrue(novel.entries().stream().allMatch(v -> v.relativePath().startsWith(v.label() == 0 ? "c0" : "c2")));

        assertThrows(IllegalArgumentException.class, () -> Splits.baseNovel(FOUR, new int[]{0, 1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> Splits.baseNovel(FOUR, new int[]{1, 1}));
        assertThrows(IllegalArgumentException.class, () -> Splits.baseNovel(FOUR, new int[]{4}));
    }

    @Test
    void baseNovelFromViFiClipLabelFiles(@TempDir Path dir) {
        // HMDB-style: the novel classes are the first ones, each side renumbered from 0 in its own csv
        Path all = DataFiles.write(dir, "hmdb_labels.csv", FOUR.toCsv());
        Path base = DataFiles.write(dir, "hmdb_base_labels.csv", "id,name\n0,catch\n1,chew\n");
        Path novel = DataFiles.write(dir, "hmdb_novel_labels.csv", "id,name\n0,brush hair\n1,cartwheel\n");
        BaseNovelSplit split = Splits.baseNovel(LabelTable.read(all), LabelTable.read(base), LabelTable.read(novel));
        assertArrayEquals(new int[]{2, 3}, split.baseIds());
        assertArrayEquals(new int[]{0, 1}, split.novelIds());
        assertEquals(1, split.toNovel(1));

        // the novel_val.txt of ViFi-CLIP is then an ordinary list with novel ids
        VideoList novelVal = VideoList.parse("novel_val.txt", "a.avi 0\nb.avi 1\n", "/videos", split.novel(),
                VideoList.Layout.AUTO, ParseReport.strict());
        assertEquals(2, novelVal.size());

        Path unknown = DataFiles.write(dir, "bad_novel.csv", "id,name\n0,brush hair\n1,juggle\n");
        DatasetFormatException e = DataFiles.fails(unknown, 3, () -> Splits.baseNovel(LabelTable.read(all),
                LabelTable.read(base), LabelTable.read(unknown)));
        DataFiles.contains(e, "'juggle' is not a class of");
        Path overlap = DataFiles.write(dir, "overlap_novel.csv", "id,name\n0,brush hair\n1,chew\n");
        DataFiles.contains(DataFiles.fails(overlap, 3, () -> Splits.baseNovel(LabelTable.read(all),
                LabelTable.read(base), LabelTable.read(overlap))), "also a base class", "line 3");
    }

    @Test
    void relabellingRefusesAListOfAnotherTable() {
        BaseNovelSplit split = Splits.baseNovel(FOUR, new int[]{0});
        VideoList other = VideoList.of("/v", List.of(new VideoEntry(null, "a", 0, 0)),
                LabelTable.of(List.of("x", "y")));
        assertThrows(IllegalArgumentException.class, () -> split.baseVideos(other));
    }
}

package dev.vclip.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionsTest {

    @Test
    void jsfusionCsvIsSingleCaption() {
        Captions captions = Captions.read(DataFiles.resource("captions/MSRVTT_JSFUSION_test.csv"),
                ParseReport.strict());
        assertEquals(List.of("video9770", "video7606", "video9938"), captions.videoIds());
        assertTrue(captions.isSingleCaption());
        assertEquals("a man, in a suit, talks about \"cars\"", captions.captionTexts().get(2));
        assertArrayEquals(new int[]{0, 1, 2}, captions.captionToVideo());
        assertEquals(4, captions.videos().get(2).captions().get(0).line());
    }

    @Test
    void msrvttJsonUsesVideoOrderAndGroupsSentences() {
        Captions captions = Captions.read(DataFiles.resource("captions/msrvtt_data.json"), ParseReport.strict());
        assertEquals(List.of("video0", "video1"), captions.videoIds());
        assertEquals(List.of("a cartoon of a dog", "an animated dog runs", "a car drives down a road",
                "a vehicle on a street", "someone is driving"), captions.captionTexts());
        assertArrayEquals(new int[]{2, 3}, captions.captionsPerVideo());
        assertArrayEquals(new int[]{0, 0, 1, 1, 1}, captions.captionToVideo());
        assertArrayEquals(new int[]{2, 5}, captions.cutOffPoints());
        assertEquals(9, captions.videos().get(0).captions().get(0).line());
        assertEquals(4, captions.videos().get(0).line(), "the video's line in 'videos'");
        assertFalse(captions.isSingleCaption());
    }

    @Test
    void jsonMapJoinsTokenListsLikeRawCaptions() {
        Captions captions = Captions.read(DataFiles.resource("captions/raw-captions.json"), ParseReport.strict());
        assertEquals(3, captions.videoCount());
        assertEquals("a squirrel is eating a peanut", captions.videos().get(0).captions().get(0).text());
        assertEquals(List.of("a cat plays piano", "the cat plays", "kitten on keys"),
                captions.videos().get(2).captions().stream().map(Captions.Caption::text).toList());
        assertArrayEquals(new int[]{2, 1, 3}, captions.captionsPerVideo());
    }

    @Test
    void msvdTextSkipsCommentsAndGroupsNonAdjacentLines() {
        Captions captions = Captions.read(DataFiles.resource("captions/AllVideoDescriptions.txt"),
                ParseReport.strict());
        assertEquals(List.of("-4wsuPCjDBc_5_15", "-7KMZQEsJW4_205_208"), captions.videoIds());
        assertEquals(List.of("a squirrel is eating a peanut in it's shell", "a chipmunk is eating",
                "a squirrel   eats", "a woman is dancing"), captions.captionTexts());
        assertArrayEquals(new int[]{3, 1}, captions.captionsPerVideo());
        assertEquals(7, captions.videos().get(0).captions().get(2).line());
    }

    @Test
    void splitListSelectsAndOrdersVideos(@TempDir Path dir) {
        Captions all = Captions.read(DataFiles.resource("captions/AllVideoDescriptions.txt"), ParseReport.strict());
        Captions test = all.selectListed(DataFiles.resource("captions/test_list.txt"), ParseReport.strict());
        assertEquals(List.of("-7KMZQEsJW4_205_208", "-4wsuPCjDBc_5_15"), test.videoIds());
        assertArrayEquals(new int[]{1, 3}, test.captionsPerVideo());
        assertArrayEquals(new int[]{0, 1, 1, 1}, test.captionToVideo());

        Path list = DataFiles.write(dir, "test_list.txt", "-4wsuPCjDBc_5_15\nnope\n");
        DataFiles.contains(DataFiles.fails(list, 2, () -> all.selectListed(list, ParseReport.strict())),
                "'nope' has no captions");
        assertThrows(IllegalArgumentException.class, () -> all.select(List.of("nope")));
        assertEquals(List.of("-7KMZQEsJW4_205_208"), all.select(List.of("-7KMZQEsJW4_205_208")).videoIds());
    }

    @Test
    void csvHeaderDetection() {
        Captions simple = Captions.parseCsv("c.csv", "sentence,video_id\nhello there,v1\nagain,v1\n",
                ParseReport.strict());
        assertEquals(List.of("hello there", "again"), simple.captionTexts());
        Captions captionColumn = Captions.parseCsv("c.csv", "video_id,caption\nv1,x\n", ParseReport.strict());
        assertEquals(List.of("x"), captionColumn.captionTexts());
        DataFiles.contains(DataFiles.fails("c.csv", 1, () -> Captions.parseCsv("c.csv", "video_id\nvideo1\n",
                ParseReport.strict())), "MSRVTT_train.9k.csv");
        DataFiles.contains(DataFiles.fails("c.csv", 1, () -> Captions.parseCsv("c.csv", "vid,text\nv,t\n",
                ParseReport.strict())), "expected a header with 'video_id' and 'sentence'");
        DataFiles.contains(DataFiles.fails("c.csv", 0, () -> Captions.parseCsv("c.csv", "",
                ParseReport.strict())), "empty file");
    }

    @Test
    void csvRowProblemsNameTheirLines() {
        String text = "key,vid_key,video_id,sentence\nret0,msr1,video1,fine\nret1,msr2,video2,a, b\n"
                + "ret2,msr3,video3,\nret3,msr4,video4,\"x\"y\nret4,msr5,,orphan\nret5,msr1,video1,\"multi\nline\"\n"
                + "ret6,msr6,video6,\"never closed\n";
        DataFiles.contains(DataFiles.fails("c.csv", 3, () -> Captions.parseCsv("c.csv", text,
                ParseReport.strict())), "expected 4 fields", "found 5", "must be quoted");
        ParseReport report = ParseReport.lenient();
        DataFiles.contains(DataFiles.fails("c.csv", 9, () -> Captions.parseCsv("c.csv", text, report)),
                "unterminated");
        assertEquals(List.of(3, 4, 5, 6), report.problems().stream().map(ParseReport.Problem::line).toList());

        ParseReport lenient = ParseReport.lenient();
        Captions captions = Captions.parseCsv("c.csv", text.substring(0, text.indexOf("ret6")), lenient);
        assertEquals(List.of("video1"), captions.videoIds());
        assertEquals(List.of("fine", "multi\nline"), captions.captionTexts());
        assertEquals(7, captions.videos().get(0).captions().get(1).line());
        assertEquals(4, lenient.skippedCount());
    }

    @Test
    void jsonProblemsNameTheirLines(@TempDir Path dir) {
        Path msrvtt = DataFiles.write(dir, "msrvtt_data.json", """
                {
                  "videos": [{"video_id": "v0"}, {"video_id": "v1"}, {"id": 3}],
                  "sentences": [
                    {"caption": "ok", "video_id": "v0"},
                    {"caption": "", "video_id": "v0"},
                    {"caption": "who", "video_id": "v9"},
                    {"video_id": "v1"},
                    {"caption": 5, "video_id": "v1"}
                  ]
                }
                """);
        DataFiles.contains(DataFiles.fails(msrvtt, 2, () -> Captions.readJson(msrvtt, ParseReport.strict())),
                "'video_id' in 'videos'", "no 'video_id'");
        ParseReport report = ParseReport.lenient();
        Captions captions = Captions.readJson(msrvtt, report);
        assertEquals(List.of("v0"), captions.videoIds());
        assertEquals(List.of(2, 5, 6, 7, 8, 2), report.problems().stream().map(ParseReport.Problem::line).toList());
        assertTrue(report.problems().get(2).message().contains("not in 'videos'"));
        assertTrue(report.problems().get(5).message().contains("'v1' has no caption"));

        Path map = DataFiles.write(dir, "map.json", "{\n  \"a\": [\"x\"],\n  \"b\": 3,\n  \"a\": [\"y\"],\n"
                + "  \"c\": []\n}\n");
        ParseReport mapReport = ParseReport.lenient();
        Captions fromMap = Captions.readJson(map, mapReport);
        assertEquals(List.of("a"), fromMap.videoIds());
        assertEquals(List.of(4, 3, 5), mapReport.problems().stream().map(ParseReport.Problem::line).toList());
        assertTrue(mapReport.problems().get(0).message().contains("appears again (first on line 2)"));

        Path broken = DataFiles.write(dir, "broken.json", "{\n  \"a\": [\"x\",\n  \"b\": 3\n}\n");
        DataFiles.contains(DataFiles.fails(broken, 3, () -> Captions.readJson(broken, ParseReport.lenient())),
                "invalid JSON");
        Path array = DataFiles.write(dir, "array.json", "[1, 2]");
        DataFiles.contains(DataFiles.fails(array, 1, () -> Captions.readJson(array, ParseReport.strict())),
                "expected a JSON object");
        Path empty = DataFiles.write(dir, "empty.json", "");
        DataFiles.contains(DataFiles.fails(empty, 0, () -> Captions.readJson(empty, ParseReport.strict())),
                "empty file");
    }

    @Test
    void textProblems() {
        DataFiles.contains(DataFiles.fails("d.txt", 2, () -> Captions.parseText("d.txt", "v1 fine\nv2\n",
                ParseReport.strict())), "found only the video id 'v2'");
        DataFiles.contains(DataFiles.fails("d.txt", 0, () -> Captions.parseText("d.txt", "",
                ParseReport.strict())), "empty file");
    }

    @Test
    void pickleIsRefusedWithAConversionHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Captions.read(Path.of("raw-captions.pkl"), ParseReport.strict()));
        assertTrue(e.getMessage().contains("json.dump"), e.getMessage());
    }

    @Test
    void everyWriterRoundTrips(@TempDir Path dir) {
        Map<String, List<String>> data = new LinkedHashMap<>();
        data.put("video7", List.of("a man, in a \"suit\"", "second caption", "ünïcödé words"));
        data.put("video3", List.of("only one"));
        data.put("video9", List.of("x", "y"));
        Captions captions = Captions.of(data);

        Path csv = dir.resolve("c.csv");
        captions.writeCsv(csv);
        Path msrvtt = dir.resolve("msrvtt_data.json");
        captions.writeMsrvttJson(msrvtt);
        Path map = dir.resolve("map.json");
        captions.writeJsonMap(map);
        Path text = dir.resolve("d.txt");
        captions.writeText(text);
        for (Path file : List.of(csv, msrvtt, map, text)) {
            Captions back = Captions.read(file, ParseReport.strict());
            assertEquals(captions.videoIds(), back.videoIds(), file.toString());
            assertEquals(captions.captionTexts(), back.captionTexts(), file.toString());
            assertArrayEquals(new int[]{3, 1, 2}, back.captionsPerVideo(), file.toString());
        }
        Captions multiline = Captions.of(Map.of("v", List.of("two\nlines")));
        assertThrows(IllegalArgumentException.class, multiline::toText);
        Path multi = dir.resolve("m.csv");
        multiline.writeCsv(multi);
        assertEquals(List.of("two\nlines"), Captions.read(multi, ParseReport.strict()).captionTexts());
    }
    // ---------------------------------------------------------------------------------------- DiDeMo, ActivityNet

    @Test
    void didemoTestDataGroupsDescriptionsByVideoInFileOrder() {
        Captions captions = Captions.read(DataFiles.resource("captions/didemo_test_data.json"), ParseReport.strict());
        assertEquals(List.of("11111111@N00_2222222222_aaaaaaaaaa.mov", "33333333@N01_4444444444_bbbbbbbbbb.mp4"),
                captions.videoIds());
        assertArrayEquals(new int[]{3, 1}, captions.captionsPerVideo());
        assertEquals(List.of("a dog runs onto the beach", "the dog shakes off the water", "camera pans to the waves",
                "a child waves at the camera"), captions.captionTexts());
        assertEquals(6, captions.videos().get(0).captions().get(1).line(), "the line where the entry starts");
    }

    @Test
    void activityNetValKeepsSentencesAsWrittenUnderTheirKey() {
        Captions captions = Captions.read(DataFiles.resource("captions/activitynet_val_1.json"), ParseReport.strict());
        assertEquals(List.of("v_AAAAAAAAAAA", "v_BBBBBBBBBBB"), captions.videoIds());
        assertArrayEquals(new int[]{2, 1}, captions.captionsPerVideo());
        assertEquals(" He chops onions on a wooden board.", captions.captionTexts().get(1), "leading space kept");
        assertEquals(5, captions.videos().get(0).captions().get(0).line());
    }

    @Test
    void paragraphsJoinEachVideosSentencesWithOneSpace() {
        // CLIP4Clip: " ".join(caption_dict[video]["text"]) (DiDeMo), " ".join(v_["sentences"]) (ActivityNet)
        Captions didemo = Captions.read(DataFiles.resource("captions/didemo_test_data.json"), ParseReport.strict())
                .asParagraphs();
        assertEquals(List.of("a dog runs onto the beach the dog shakes off the water camera pans to the waves",
                "a child waves at the camera"), didemo.captionTexts());
        assertTrue(didemo.isSingleCaption());
        assertEquals(2, didemo.videos().get(0).captions().get(0).line(), "the line of the first sentence");
        Captions activity = Captions.read(DataFiles.resource("captions/activitynet_val_1.json"), ParseReport.strict())
                .asParagraphs();
        assertEquals("A man stands in a kitchen holding a knife.  He chops onions on a wooden board.",
                activity.captionTexts().get(0), "nothing stripped: the second sentence's own space stays");
        assertEquals(List.of("v_AAAAAAAAAAA", "v_BBBBBBBBBBB"), activity.videoIds());
        Captions memory = Captions.of(Map.of("v", List.of("one", "two", "three"))).asParagraphs();
        assertEquals(List.of("one two three"), memory.captionTexts());
    }

    @Test
    void didemoAndActivityNetProblemsNameTheEntryAndKey(@TempDir Path dir) {
        Path didemo = DataFiles.write(dir, "test_data.json", "[\n"
                + "  {\"video\": \"a.mov\", \"description\": \"fine\", \"times\": [[0, 0]]},\n"
                + "  {\"video\": \"b.mov\", \"times\": [[1, 1]]},\n"
                + "  {\"description\": \"no video\"},\n"
                + "  {\"video\": \"a.mov\", \"description\": 7}\n"
                + "]\n");
        DataFiles.contains(DataFiles.fails(didemo, 3, () -> Captions.readJson(didemo, ParseReport.strict())),
                "entry 1 (video 'b.mov'): expected a non-empty string 'description', found no 'description'");
        ParseReport lenient = ParseReport.lenient();
        Captions kept = Captions.readJson(didemo, lenient);
        assertEquals(List.of("fine"), kept.captionTexts());
        assertEquals(List.of(3, 4, 5), lenient.problems().stream().map(ParseReport.Problem::line).toList());
        assertTrue(lenient.problems().get(1).message().contains("entry 2: expected an object with a non-empty string"
                + " 'video' (DiDeMo), found no 'video'"), lenient.problems().get(1).message());
        assertTrue(lenient.problems().get(2).message().contains("'description' as a number"),
                lenient.problems().get(2).message());

        Path activity = DataFiles.write(dir, "val_1.json", "{\n"
                + "  \"v_good\": {\"duration\": 3.0, \"sentences\": [\"a cat sleeps\"]},\n"
                + "  \"v_bad\": {\"duration\": 5.0,\n"
                + "    \"sentences\": \"one sentence, not a list\"},\n"
                + "  \"v_worse\": {\"duration\": 5.0, \"sentences\": [\"ok\", 3]},\n"
                + "  \"v_none\": {\"duration\": 5.0}\n"
                + "}\n");
        DataFiles.contains(DataFiles.fails(activity, 4, () -> Captions.readJson(activity, ParseReport.strict())),
                "video 'v_bad': expected 'sentences' to be an array of strings, found a string");
        ParseReport report = ParseReport.lenient();
        Captions read = Captions.readJson(activity, report);
        assertEquals(List.of("v_good", "v_worse"), read.videoIds());
        assertEquals(List.of(4, 5, 6), report.problems().stream().map(ParseReport.Problem::line).toList());
        assertTrue(report.problems().get(1).message().contains("video 'v_worse', sentence 1: expected a string,"
                + " found a number"), report.problems().get(1).message());
        assertTrue(report.problems().get(2).message().contains("video 'v_none': expected 'sentences' to be an array"
                + " of strings, found no 'sentences'"), report.problems().get(2).message());
    }
}

package dev.vclip.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaggedTextsTest {

    @TempDir
    Path dir;

    private static final Set<String> RED_CIRCLE_LEFT = Set.of("colour:red", "shape:circle", "action:moving left");

    @Test
    void writtenFilesReadBackAndTextsFitByTheirTags() {
        TaggedTexts.Video v = new TaggedTexts.Video("moving_left_000", RED_CIRCLE_LEFT,
                List.of(new TaggedTexts.Text("a red circle moving left", RED_CIRCLE_LEFT),
                        new TaggedTexts.Text("a red shape", Set.of("colour:red"))),
                List.of(new TaggedTexts.Text("a blue circle moving left",
                        Set.of("colour:blue", "shape:circle", "action:moving left"))));
        Path file = dir.resolve("texts.jsonl");
        TaggedTexts.of(List.of(v)).write(file);
        TaggedTexts back = TaggedTexts.read(file);
        assertEquals(v, back.get("moving_left_000"));
        assertTrue(back.get("moving_left_000").texts().get(1).fits(Set.of("colour:red", "shape:star")));
        assertFalse(back.get("moving_left_000").negatives().get(0).fits(RED_CIRCLE_LEFT));
        assertEquals(1, back.size());
    }

    /** A text without tags asserts nothing checkable: it fits no video by tags (only its own, in the joint loss). */
    @Test
    void anUntaggedTextFitsNoVideoByTags() throws Exception {
        Path file = dir.resolve("plain.jsonl");
        Files.writeString(file, "{\"video_id\": \"a\", \"texts\": [{\"text\": \"a caption\"}]}\n");
        TaggedTexts.Text t = TaggedTexts.read(file).get("a").texts().get(0);
        assertFalse(t.fits(Set.of()));
        assertFalse(t.fits(RED_CIRCLE_LEFT));
    }

    @Test
    void problemsNameTheFileAndLine() throws Exception {
        String good = "{\"video_id\": \"a\", \"tags\": [\"colour:red\"], \"texts\": [{\"text\": \"red\", \"tags\": [\"colour:red\"]}]}";
        assertProblem("\n" + good + "\n{not json", ":3: not JSON");
        assertProblem(good + "\n" + good, ":2: video 'a' is listed twice");
        assertProblem("{\"tags\": [], \"texts\": []}", ":1: no \"video_id\"");
        assertProblem("{\"video_id\": \"a\", \"tags\": [\"colour:red\"], \"texts\": [{\"text\": \"a blue shape\", "
                + "\"tags\": [\"colour:blue\"]}]}", ":1: text 'a blue shape' has tags [colour:blue] that video 'a' lacks");
        assertProblem("{\"video_id\": \"a\", \"tags\": [\"colour:red\"], \"texts\": [{\"text\": \"red\", \"tags\": "
                + "[\"colour:red\"]}], \"negatives\": [{\"text\": \"a red thing\", \"tags\": [\"colour:red\"]}]}",
                ":1: negative 'a red thing' fits video 'a'");
        assertProblem("{\"video_id\": \"a\", \"tags\": \"colour:red\", \"texts\": []}",
                ":1: \"tags\" must be a list of strings");
        assertProblem("{\"video_id\": \"a\", \"texts\": []}", ":1: video 'a' has no texts");
        assertProblem("{\"video_id\": \"a\", \"texts\": [{\"text\": \"x\"}], \"negatives\": [{\"text\": \"y\"}]}",
                ":1: negative 'y' has no tags");
        DatasetFormatException missing = assertThrows(DatasetFormatException.class,
                () -> TaggedTexts.read(dir.resolve("nope.jsonl")));
        assertTrue(missing.getMessage().contains("nope.jsonl: no such file"), missing.getMessage());
    }

    private void assertProblem(String content, String expected) throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, content);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> TaggedTexts.read(file));
        assertTrue(e.getMessage().startsWith(file + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage() + " should contain " + expected);
    }
}

package dev.vclip.data.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.data.Captions;
import dev.vclip.data.LabelTable;
import dev.vclip.data.ParseReport;
import dev.vclip.data.Triplets;
import dev.vclip.data.VideoEntry;
import dev.vclip.data.VideoList;
import dev.vclip.video.RgbFrame;
import dev.vclip.video.VideoSource;
import dev.vclip.video.VideoSources;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import dev.vclip.data.AttributeQueries;
import dev.vclip.data.TaggedTexts;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiny dataset generated for real (4 classes x 2 clips + one short long video, 96x96), then decoded, parsed and
 * measured. Generated once per class; the determinism tests generate again.
 */
class SyntheticDatasetTest {

    static final SynthConfig TINY = SynthConfig.of(SynthConfig.Size.SMALL)
            .withClasses(List.of(Action.MOVING_LEFT, Action.MOVING_RIGHT, Action.GROWING, Action.SHRINKING))
            .withClipsPerClass(2).withClipFrames(16).withResolution(96, 96).withLongVideos(1, 12).withSeed(42)
            .withThreads(2);

    /** Pixels within this RGB distance of a shape's palette colour count as the shape. */
    static final double TOLERANCE = 60;

    @TempDir
    static Path dir;

    static Path out;
    static SyntheticDataset.Summary summary;
    static DatasetPlan plan;

    @BeforeAll
    static void generate() {
        out = dir.resolve("tiny");
        summary = SyntheticDataset.generate(out, TINY, false, null);
        plan = summary.plan();
    }

    @Test
    void everyVideoDecodesToItsPlannedFrameCountAndSize() {
        assertEquals(9, summary.videos());
        for (ClipPlan clip : plan.clips()) {
            Decoded.Video v = Decoded.read(out.resolve("videos").resolve(clip.fileName()));
            assertEquals(16, v.frames().size(), clip.id());
            assertEquals(96, v.frames().get(0).width());
            assertEquals(96, v.frames().get(0).height());
            assertEquals(summary.codec().codecName(), v.codec(), clip.id());
            assertEquals(10.0, v.fps(), 1e-9);
        }
        LongVideoPlan lv = plan.longVideos().get(0);
        assertEquals(lv.frames(), Decoded.read(out.resolve("long").resolve(lv.fileName())).frames().size());
        assertTrue(lv.seconds() >= 12 && lv.seconds() <= 15, "" + lv.seconds());
        try (Stream<Path> files = Files.walk(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".part")
                    || p.getFileName().toString().endsWith(".tmp")), "no temporary files left behind");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void annotationsParseWithTheDataPackageReaders() throws IOException {
        LabelTable labels = LabelTable.read(out.resolve("labels.csv"));
        assertEquals(List.of("moving left", "moving right", "growing", "shrinking"), labels.names());

        String root = out.resolve("videos").toString();
        VideoList train = VideoList.read(out.resolve("train.txt"), root, labels, ParseReport.strict());
        VideoList val = VideoList.read(out.resolve("val.txt"), root, labels, ParseReport.strict());
        assertEquals(4, train.size());
        assertEquals(4, val.size());
        for (VideoEntry e : train.entries()) {
            assertTrue(Files.isRegularFile(Path.of(e.spec())), e.spec());
            assertTrue(e.relativePath().startsWith(labels.name(e.label()).replace(' ', '_')), e.relativePath());
        }
        assertFalse(Files.exists(out.resolve("few_shot")), "1 train clip per class: no 2-shot list possible");

        LabelTable base = LabelTable.read(out.resolve("base2novel/base_labels.csv"));
        LabelTable novel = LabelTable.read(out.resolve("base2novel/novel_labels.csv"));
        assertEquals(List.of("moving left", "moving right"), base.names());
        assertEquals(List.of("growing", "shrinking"), novel.names());
        VideoList novelVal = VideoList.read(out.resolve("base2novel/novel_val.txt"), root, novel,
                ParseReport.strict());
        assertEquals(List.of("growing_001.mp4", "shrinking_001.mp4"),
                novelVal.entries().stream().map(VideoEntry::relativePath).toList());
        assertEquals(List.of(0, 1), novelVal.entries().stream().map(VideoEntry::label).toList());
        VideoList.read(out.resolve("base2novel/fs_base_s1_train.txt"), root, base, ParseReport.strict());

        Captions csv = Captions.read(out.resolve("retrieval/captions.csv"), ParseReport.strict());
        Captions json = Captions.read(out.resolve("retrieval/msrvtt_data.json"), ParseReport.strict());
        assertEquals(8, csv.videoCount());
        assertEquals(40, csv.captionCount());
        assertEquals(csv.captionTexts(), json.captionTexts());
        assertEquals(csv.videoIds(), json.videoIds());
        assertEquals(plan.clips().get(0).captions().get(0), csv.captionTexts().get(0));
        assertTrue(csv.captionTexts().get(0).endsWith(" moving left"), csv.captionTexts().get(0));
        Captions test = Captions.read(out.resolve("retrieval/test_jsfusion.csv"), ParseReport.strict());
        assertEquals(4, test.videoCount());
        assertEquals(4, csv.selectListed(out.resolve("retrieval/test_list.txt"), ParseReport.strict()).videoCount());

        Triplets triplets = Triplets.read(out.resolve("localisation/triplets.csv"));
        LongVideoPlan lv = plan.longVideos().get(0);
        assertEquals(lv.events().size(), triplets.size());
        for (Triplets.Triplet t : triplets.triplets()) {
            assertEquals(lv.id(), t.videoId());
            assertTrue(t.endFrame() <= lv.frames());
            assertEquals(10.0, t.fps().getAsDouble());
        }

        JsonNode ds = new ObjectMapper().readTree(out.resolve("dataset.json").toFile());
        assertEquals(42, ds.get("seed").asLong());
        assertEquals(summary.codec().codecName(), ds.get("video").get("codec").asText());
        assertEquals("[[0,1],[2,3]]", ds.get("direction_pairs").toString());
        assertEquals(1, ds.get("classes").get(0).get("direction_pair_of").asInt());
        assertEquals("novel", ds.get("classes").get(2).get("base_to_novel").asText());
        for (var it = ds.get("files").fieldNames(); it.hasNext(); ) {
            String f = it.next();
            assertTrue(Files.exists(out.resolve(f)), "dataset.json lists " + f);
        }
        JsonNode timeline = new ObjectMapper().readTree(out.resolve("localisation/timeline.json").toFile());
        assertEquals(lv.events().size(), timeline.get("videos").get(0).get("events").size());
    }

    /**
     * retrieval/texts.jsonl: every clip's tags are its target's colour, shape and class; every text fits its clip, every
     * hard negative differs from it in exactly one of the three; attribute_queries.json asks only queries that at least
     * 5 val clips match (none in this tiny set, so a second, larger plan is checked through its file).
     */
    @Test
    void taggedTextsAndAttributeQueriesDescribeTheClips() throws IOException {
        TaggedTexts texts = TaggedTexts.read(out.resolve("retrieval/texts.jsonl"));
        assertEquals(plan.clips().size(), texts.size());
        for (ClipPlan clip : plan.clips()) {
            TaggedTexts.Video v = texts.get(clip.id());
            assertEquals(Set.of("colour:" + clip.target().colour().word(), "shape:" + clip.target().shape().word(),
                    "action:" + clip.action().label()), v.tags(), clip.id());
            assertTrue(v.texts().size() >= clip.captions().size() + 5, clip.id());
            assertTrue(v.texts().stream().anyMatch(t -> t.tags().size() == 1), "partial texts: " + v.texts());
            assertEquals(6, v.negatives().size(), clip.id());
            for (TaggedTexts.Text n : v.negatives()) {
                long differing = n.tags().stream().filter(t -> !v.tags().contains(t)).count();
                assertEquals(1, differing, n + " for " + v.tags());
            }
        }
        Path larger = dir.resolve("queries");
        SyntheticDataset.generate(larger, TINY.withClipsPerClass(24).withLongVideos(0, 12).withResolution(64, 64),
                false, null);
        AttributeQueries q = AttributeQueries.read(larger.resolve("retrieval/attribute_queries.json"));
        assertEquals(32, q.clipTags().size()); // the val third of 4 x 24 clips
        assertTrue(q.queries().stream().anyMatch(x -> x.kind().equals("motion")), q.queries().toString());
        for (AttributeQueries.Query query : q.queries()) {
            long matching = q.clipTags().values().stream().filter(t -> t.containsAll(query.tags())).count();
            assertTrue(matching >= 5, query + " matches " + matching);
        }
    }

    /** A folder is reused only for the same settings and generator version (an older one lacks files). */
    @Test
    void aWrittenDatasetIsRecognisedOnlyForItsSettingsAndThisGeneratorVersion() throws IOException {
        assertTrue(SyntheticDataset.isWritten(out, TINY));
        assertFalse(SyntheticDataset.isWritten(out, TINY.withSeed(43)));
        assertFalse(SyntheticDataset.isWritten(out, TINY.withClipsPerClass(3)));
        assertFalse(SyntheticDataset.isWritten(dir.resolve("nothing-here"), TINY));
        Path old = dir.resolve("old");
        Files.createDirectories(old);
        Files.writeString(old.resolve("dataset.json"), Files.readString(out.resolve("dataset.json"))
                .replaceAll("\"generator_version\"\\s*:\\s*\\d+", "\"generator_version\":1"));
        assertFalse(SyntheticDataset.isWritten(old, TINY));
    }

    @Test
    void theTarHoldsTheSameClipsUnderTheListNames() throws IOException {
        Map<String, byte[]> members = readTar(out.resolve("videos.tar"));
        assertEquals(plan.clips().stream().map(ClipPlan::fileName).toList(), new ArrayList<>(members.keySet()));
        for (Map.Entry<String, byte[]> m : members.entrySet()) {
            assertArrayEquals(Files.readAllBytes(out.resolve("videos").resolve(m.getKey())), m.getValue(), m.getKey());
        }
    }

    @Test
    void theVideoPackageReadsClipsFromTheTarAsXClipWould() {
        ClipPlan clip = plan.clips().get(3);
        int[] frames = {0, 7, 15};
        // DATA.ROOT=videos.tar with the plain file names of train.txt / val.txt (X-CLIP option 2)
        try (VideoSource fromTar = VideoSources.open(out.resolve("videos.tar"), clip.fileName());
             VideoSource fromFile = VideoSources.open(out.resolve("videos").resolve(clip.fileName()))) {
            assertEquals(16, fromTar.info().frameCount());
            assertEquals(96, fromTar.info().width());
            assertEquals(fromFile.read(frames), fromTar.read(frames));
        }
    }

    @Test
    void movingShapesMoveTheWayTheirClassSays() {
        for (ClipPlan clip : plan.clips()) {
            List<RgbFrame> frames = Decoded.read(out.resolve("videos").resolve(clip.fileName())).frames();
            Palette colour = clip.target().colour();
            double[] x = new double[frames.size()];
            int[] area = new int[frames.size()];
            for (int i = 0; i < frames.size(); i++) {
                Decoded.Blob b = Decoded.blob(frames.get(i), colour, TOLERANCE);
                assertTrue(b.count() > 10, clip.id() + " frame " + i + ": the " + clip.target().words()
                        + " is not visible (" + b.count() + " pixels)");
                x[i] = b.cx();
                area[i] = b.count();
            }
            int last = frames.size() - 1;
            switch (clip.action()) {
                case MOVING_LEFT, MOVING_RIGHT -> {
                    double sign = clip.action() == Action.MOVING_LEFT ? -1 : 1;
                    assertTrue(sign * (x[last] - x[0]) > 0.3 * 96, clip.id() + ": centroid x " + Arrays.toString(x));
                    for (int i = 1; i <= last; i++) {
                        assertTrue(sign * (x[i] - x[i - 1]) > -0.5, clip.id() + ": steady motion, frame " + i
                                + ": " + Arrays.toString(x));
                    }
                }
                case GROWING, SHRINKING -> {
                    int small = clip.action() == Action.GROWING ? area[0] : area[last];
                    int large = clip.action() == Action.GROWING ? area[last] : area[0];
                    assertTrue(large > 3 * small, clip.id() + ": area " + Arrays.toString(area));
                    for (int i = 1; i <= last; i++) {
                        int step = clip.action() == Action.GROWING ? area[i] - area[i - 1] : area[i - 1] - area[i];
                        assertTrue(step > -5, clip.id() + ": monotone area, frame " + i + ": " + Arrays.toString(area));
                    }
                }
                default -> throw new AssertionError("unexpected class " + clip.action());
            }
        }
    }

    @Test
    void longVideoEventsHappenExactlyAtTheirTripletFrames() {
        LongVideoPlan lv = plan.longVideos().get(0);
        List<RgbFrame> frames = Decoded.read(out.resolve("long").resolve(lv.fileName())).frames();
        for (LongVideoPlan.Event e : lv.events()) {
            // a frame of the event where the shape is fully opaque (appearing/vanishing are not, all through)
            int inside = e.startFrame();
            for (int f = e.startFrame(); f < e.endFrame(); f++) {
                if (e.sprite().motion().atFrame(f - e.startFrame(), e.length()).alpha() == 1) {
                    inside = f;
                    break;
                }
            }
            Palette colour = e.sprite().colour();
            int during = Decoded.blob(frames.get(inside), colour, TOLERANCE).count();
            int before = Decoded.blob(frames.get(e.startFrame() - 1), colour, TOLERANCE).count();
            int after = Decoded.blob(frames.get(e.endFrame()), colour, TOLERANCE).count();
            assertTrue(during > 10, "event " + e.index() + " visible at frame " + inside + ": " + during);
            assertTrue(before < 3 && after < 3, "event " + e.index() + " absent just outside [" + e.startFrame()
                    + ", " + e.endFrame() + "): " + before + ", " + after);
        }
    }

    @Test
    void sameSeedGivesIdenticalFilesAndFramesWhateverTheThreadCount() throws IOException {
        Path again = dir.resolve("again");
        SyntheticDataset.generate(again, TINY.withThreads(1), false, null);
        Map<String, byte[]> a = allFiles(out);
        Map<String, byte[]> b = allFiles(again);
        assertEquals(a.keySet(), b.keySet());
        for (String f : a.keySet()) {
            // includes every mp4 and videos.tar: the encoders are deterministic with these settings
            assertArrayEquals(a.get(f), b.get(f), f + " differs between two runs with the same seed");
        }
        for (ClipPlan clip : plan.clips().subList(0, 2)) {
            assertEquals(Decoded.read(out.resolve("videos").resolve(clip.fileName())).frames(),
                    Decoded.read(again.resolve("videos").resolve(clip.fileName())).frames(), clip.id());
        }
    }

    @Test
    void anotherSeedGivesAnotherDataset() throws IOException {
        Path other = dir.resolve("other");
        SyntheticDataset.generate(other, TINY.withSeed(43).withLongVideos(0, 12), false, null);
        assertNotEquals(Files.readString(out.resolve("retrieval/captions.csv")),
                Files.readString(other.resolve("retrieval/captions.csv")));
        String first = plan.clips().get(0).fileName();
        assertNotEquals(Decoded.read(out.resolve("videos").resolve(first)).frames(),
                Decoded.read(other.resolve("videos").resolve(first)).frames());
        assertEquals(Files.readString(out.resolve("labels.csv")), Files.readString(other.resolve("labels.csv")),
                "the class list does not depend on the seed");
    }

    @Test
    void aFolderWithFilesIsRefusedUnlessForced() throws IOException {
        Path busy = dir.resolve("busy");
        Files.createDirectories(busy);
        Files.writeString(busy.resolve("notes.txt"), "mine");
        SynthConfig one = TINY.withClasses(List.of(Action.BOUNCING)).withClipsPerClass(1).withLongVideos(0, 12)
                .withTar(false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SyntheticDataset.generate(busy, one, false, null));
        assertTrue(e.getMessage().contains("not empty") && e.getMessage().contains("--force"), e.getMessage());
        assertFalse(Files.exists(busy.resolve("dataset.json")));
        SyntheticDataset.generate(busy, one, true, null);
        assertEquals("mine", Files.readString(busy.resolve("notes.txt")), "other files are kept");
        assertTrue(Files.exists(busy.resolve("dataset.json")));
        assertFalse(Files.exists(busy.resolve("videos.tar")));
        assertFalse(Files.exists(busy.resolve("base2novel")), "one class: nothing to hold out");
    }

    @Test
    void mpeg4CanBeChosenAndDecodesFrameExact() {
        Path mpeg4 = dir.resolve("mpeg4");
        SynthConfig one = TINY.withClasses(List.of(Action.MOVING_LEFT)).withClipsPerClass(1).withLongVideos(0, 12)
                .withCodec(VideoCodec.Choice.MPEG4);
        SyntheticDataset.Summary s = SyntheticDataset.generate(mpeg4, one, false, null);
        assertEquals(VideoCodec.MPEG4, s.codec());
        Decoded.Video v = Decoded.read(mpeg4.resolve("videos/moving_left_000.mp4"));
        assertEquals("mpeg4", v.codec());
        assertEquals(16, v.frames().size());
    }

    /** Every file under a folder, by relative path, sorted. */
    static Map<String, byte[]> allFiles(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    /** A minimal ustar reader: checks each header's checksum and returns the members in order. */
    static Map<String, byte[]> readTar(Path tar) throws IOException {
        byte[] all = Files.readAllBytes(tar);
        Map<String, byte[]> members = new LinkedHashMap<>();
        int pos = 0;
        while (pos + 512 <= all.length) {
            byte[] h = Arrays.copyOfRange(all, pos, pos + 512);
            if (h[0] == 0) {
                break;
            }
            long sum = 0;
            for (int i = 0; i < 512; i++) {
                sum += (i >= 148 && i < 156) ? ' ' : h[i] & 0xff;
            }
            assertEquals(sum, Long.parseLong(field(h, 148, 8), 8), "header checksum");
            assertEquals("ustar", field(h, 257, 6));
            String name = field(h, 0, 100);
            int size = Integer.parseInt(field(h, 124, 12), 8);
            members.put(name, Arrays.copyOfRange(all, pos + 512, pos + 512 + size));
            pos += 512 + (size + 511) / 512 * 512;
        }
        assertEquals(all.length, pos + 1024, "two zero blocks end the archive");
        return members;
    }

    private static String field(byte[] h, int offset, int length) {
        int end = offset;
        while (end < offset + length && h[end] != 0) {
            end++;
        }
        return new String(h, offset, end - offset, StandardCharsets.US_ASCII).trim();
    }
}

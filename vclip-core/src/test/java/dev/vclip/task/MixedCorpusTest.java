package dev.vclip.task;

import dev.vclip.data.LabelTable;
import dev.vclip.data.ParseReport;
import dev.vclip.data.VideoEntry;
import dev.vclip.data.VideoList;
import dev.vclip.model.ModelFolder;
import dev.vclip.model.VideoTextModel;
import dev.vclip.video.Sampling;
import dev.vclip.video.VideoWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dataset run over good videos mixed with every kind of bad or odd file (cut at several points, bit flips, zero
 * frames, audio only, a lying header, empty, text, odd sizes): it finishes, the files that cannot be read are skipped
 * with their reason, the damaged but decodable ones are used, and every good video's prediction is what a run over
 * the good videos alone gives.
 */
class MixedCorpusTest {
    @TempDir
    Path dir;

    @Test
    void aZeroShotRunOverAMixedCorpusFinishesWithTheGoodResultsUnchanged() throws IOException {
        Path data = TaskFixtures.dataset();
        LabelTable labels = LabelTable.read(data.resolve("labels.csv"));
        List<VideoEntry> good = VideoList.read(data.resolve("val.txt"), data.resolve("videos").toString(), labels,
                ParseReport.strict()).entries();
        Path sample = Path.of(good.get(0).spec());
        byte[] bytes = Files.readAllBytes(sample);

        Map<String, Boolean> bad = new HashMap<>(); // file name -> must it be skipped?
        for (int percent : new int[] {30, 60, 90}) {
            Files.write(dir.resolve("cut" + percent + ".mp4"), java.util.Arrays.copyOf(bytes,
                    bytes.length * percent / 100));
            bad.put("cut" + percent + ".mp4", null); // used from what decodes, or skipped: either is fine, no crash
        }
        byte[] flipped = bytes.clone();
        Random r = new Random(7);
        for (int i = 0; i < 60; i++) {
            int at = flipped.length / 3 + r.nextInt(flipped.length / 2);
            flipped[at] ^= (byte) (1 << r.nextInt(8));
        }
        Files.write(dir.resolve("bitflips.mp4"), flipped);
        bad.put("bitflips.mp4", null);
        try (VideoWriter w = new VideoWriter(dir.resolve("noframes.mp4"), new VideoWriter.Spec("mp4", "mpeg4",
                "yuv420p", 64, 64, 10, 1, 0, 3, Map.of()))) {
            w.finish();
        }
        bad.put("noframes.mp4", true);
        Files.write(dir.resolve("audio.mp4"), wav(8000, 4000));
        bad.put("audio.mp4", true);
        Files.write(dir.resolve("bomb.gif"), dev.vclip.video.LyingFiles.gifDeclaring16000Square());
        bad.put("bomb.gif", true);
        Files.write(dir.resolve("empty.mp4"), new byte[0]);
        bad.put("empty.mp4", true);
        Files.writeString(dir.resolve("notes.mp4"), "not a video\n".repeat(40));
        bad.put("notes.mp4", true);
        for (int[] size : new int[][] {{1, 20}, {426, 240}, {35, 17}}) {
            String name = "odd" + size[0] + "x" + size[1] + ".mkv";
            byte[] rgb = new byte[size[0] * size[1] * 3];
            java.util.Arrays.fill(rgb, (byte) 90);
            try (VideoWriter w = new VideoWriter(dir.resolve(name), new VideoWriter.Spec("matroska", "ffv1",
                    "yuv420p", size[0], size[1], 10, 1, 0, 0, Map.of("level", "1", "threads", "1")))) {
                for (int i = 0; i < 12; i++) {
                    w.write(rgb);
                }
                w.finish();
            }
            bad.put(name, false);
        }

        List<VideoEntry> mixed = new ArrayList<>(good);
        int line = 1000;
        for (String name : bad.keySet().stream().sorted().toList()) {
            mixed.add(new VideoEntry(dir.toString(), name, 0, line++));
        }
        try (VideoTextModel model = ModelFolder.load(TaskFixtures.model("xclip"))) {
            ClipSampler sampler = new ClipSampler(new Sampling.SegmentMiddle(4, 2), 32, 1, null);
            ZeroShot.Result clean = ZeroShot.run(model, good, labels, "a video of {}",
                    new VideoEncoder(model, sampler, null, 2, 3), null);
            ZeroShot.Result run = ZeroShot.run(model, mixed, labels, "a video of {}",
                    new VideoEncoder(model, sampler, null, 2, 3), null);

            Set<String> skipped = new java.util.HashSet<>();
            for (VideoEncoder.Skipped s : run.skipped()) {
                String name = Path.of(s.spec()).getFileName().toString();
                skipped.add(name);
                assertTrue(s.reason() != null && !s.reason().isBlank(), s.toString());
            }
            for (Map.Entry<String, Boolean> e : bad.entrySet()) {
                if (Boolean.TRUE.equals(e.getValue())) {
                    assertTrue(skipped.contains(e.getKey()), e.getKey() + " is skipped: " + run.skipped());
                } else if (Boolean.FALSE.equals(e.getValue())) {
                    assertTrue(!skipped.contains(e.getKey()), e.getKey() + " is used: " + run.skipped());
                }
            }
            Map<String, Integer> predicted = new HashMap<>();
            for (int i = 0; i < run.videos().size(); i++) {
                predicted.put(run.videos().get(i), run.metrics().top1Predictions()[i]);
            }
            assertEquals(clean.videos().size(), good.size());
            for (int i = 0; i < clean.videos().size(); i++) {
                assertEquals(clean.metrics().top1Predictions()[i], predicted.get(clean.videos().get(i)),
                        clean.videos().get(i));
            }
        }
    }

    /** A WAV file of silence: audio only, no video stream. */
    private static byte[] wav(int rate, int samples) {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * samples).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(rate).putInt(2 * rate).putShort((short) 2)
                .putShort((short) 16).put("data".getBytes()).putInt(2 * samples);
        return b.array();
    }
}

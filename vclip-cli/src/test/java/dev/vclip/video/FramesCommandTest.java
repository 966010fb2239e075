package dev.vclip.video;

import dev.vclip.video.DecodeTestVideos.Kind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vclip frames}: the command class is package-private in dev.vclip.cli (like the other commands) and not
 * registered in Main by this change, so it is loaded by name and run through picocli directly.
 */
class FramesCommandTest {

    @TempDir
    static Path dir;
    static Path video;

    @BeforeAll
    static void writeVideo() throws Exception {
        video = DecodeTestVideos.write(dir.resolve("clip.mp4"), Kind.MPEG4_BFRAMES_MP4, 300, 250);
    }

    static dev.vclip.cli.CliRun.Result run(String... args) {
        String[] withCommand = new String[args.length + 1];
        withCommand[0] = "frames";
        System.arraycopy(args, 0, withCommand, 1, args.length);
        return dev.vclip.cli.CliRun.run(withCommand);
    }

    static List<String> files(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void middleFramesWithTheModelsView() throws Exception {
        Path out = dir.resolve("out_middle");
        dev.vclip.cli.CliRun.Result r = run(video.toString(), "--num-frames", "4", "--out", out.toString(), "--size", "64");
        assertEquals(0, r.exit(), r.err());
        // 300 frames, 4 segments: avg 75 -> 37, 112, 187, 262
        assertTrue(r.out().contains("indices    37 112 187 262"), r.out());
        assertTrue(r.out().contains("frames     300 at 30.000 fps"), r.out());
        assertTrue(r.out().contains("codec      mpeg4"), r.out());
        assertEquals(List.of("frame_000_idx_00037.png", "frame_000_idx_00037_model64.png",
                "frame_001_idx_00112.png", "frame_001_idx_00112_model64.png",
                "frame_002_idx_00187.png", "frame_002_idx_00187_model64.png",
                "frame_003_idx_00262.png", "frame_003_idx_00262_model64.png"), files(out));
        BufferedImage full = ImageIO.read(out.resolve("frame_002_idx_00187.png").toFile());
        assertEquals(187, DecodeTestVideos.indexOf(RgbFrame.fromBufferedImage(full)));
        BufferedImage model = ImageIO.read(out.resolve("frame_002_idx_00187_model64.png").toFile());
        assertEquals(64, model.getWidth());
        assertEquals(64, model.getHeight());
    }

    @Test
    void otherStrategies() throws Exception {
        dev.vclip.cli.CliRun.Result fps = run(video.toString(), "--strategy", "fps", "--num-frames", "5", "--out",
                dir.resolve("out_fps").toString());
        assertEquals(0, fps.exit(), fps.err());
        // 30 frames at 3 fps (4, 14, ..., 294), capped at 5: tick 6 -> 3, 9, 15, 21, 27 -> 34 94 154 214 274
        assertTrue(fps.out().contains("indices    34 94 154 214 274"), fps.out());

        dev.vclip.cli.CliRun.Result range = run(video.toString(), "--strategy", "range", "--start", "100", "--end", "200",
                "--num-frames", "4", "--out", dir.resolve("out_range").toString());
        assertEquals(0, range.exit(), range.err());
        assertTrue(range.out().contains("indices    112 137 162 187"), range.out());

        dev.vclip.cli.CliRun.Result tsn = run(video.toString(), "--strategy", "tsn", "--seed", "3", "--num-frames", "3", "--out",
                dir.resolve("out_tsn").toString());
        assertEquals(0, tsn.exit(), tsn.err());
        assertEquals(3, files(dir.resolve("out_tsn")).size());
    }

    @Test
    void errorsAreOneLineAndExitOne() throws Exception {
        dev.vclip.cli.CliRun.Result missing = run(dir.resolve("nope.mp4").toString(), "--out", dir.resolve("o").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().startsWith("error: ") && missing.err().contains("nope.mp4"), missing.err());
        dev.vclip.cli.CliRun.Result noRange = run(video.toString(), "--strategy", "range", "--out", dir.resolve("o2").toString());
        assertEquals(2, noRange.exit(), "a strategy without its options is a usage error");
        assertTrue(noRange.err().contains("--start"), noRange.err());
        dev.vclip.cli.CliRun.Result usage = run(video.toString());
        assertEquals(2, usage.exit(), "missing --out is a usage error");
    }
}

package dev.vclip.video;

import dev.vclip.video.DecodeTestVideos.Kind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Videos inside tar archives (X-CLIP's DATA.ROOT = videos.tar), read in place. */
class TarVideoTest {

    @TempDir
    static Path dir;
    static Path mp4;
    static Path mkv;
    static Path tar;
    static final String LONG = "a_very_long_folder_name_that_does_not_fit_in_one_hundred_bytes/"
            + "and_a_second_level_that_pushes_it_well_past_the_ustar_name_field/clip.mp4";

    @BeforeAll
    static void build() throws Exception {
        mp4 = DecodeTestVideos.write(dir.resolve("a.mp4"), Kind.H264_MP4, 90, 250);
        mkv = DecodeTestVideos.write(dir.resolve("b.mkv"), Kind.MPEG4_BFRAMES_MKV, 60, 250);
        Path notes = Files.writeString(dir.resolve("notes.txt"), "not a video\n");
        tar = dir.resolve("videos.tar");
        writeTar(tar, new String[] {"./a.mp4", "b.mkv", "notes.txt", LONG}, new Path[] {mp4, mkv, notes, mp4});
    }

    // ------------------------------------------------------------------------------------------------ tar writer

    /** Writes a POSIX ustar archive; names over 100 bytes get a pax 'x' header (as Python's tarfile does). */
    static void writeTar(Path out, String[] names, Path[] files) throws IOException {
        writeTar(out, names, files, false);
    }

    /** With {@code gnu}, long names use GNU 'L' entries instead of pax. */
    static void writeTar(Path out, String[] names, Path[] files, boolean gnu) throws IOException {
        try (OutputStream os = Files.newOutputStream(out)) {
            for (int i = 0; i < names.length; i++) {
                byte[] data = Files.readAllBytes(files[i]);
                byte[] name = names[i].getBytes(StandardCharsets.UTF_8);
                if (name.length > 100) {
                    if (gnu) {
                        byte[] ln = Arrays.copyOf(name, name.length + 1);
                        os.write(header("././@LongLink", ln.length, 'L', gnu));
                        writePadded(os, ln);
                    } else {
                        String rec = " path=" + names[i] + "\n";
                        int len = rec.getBytes(StandardCharsets.UTF_8).length;
                        int digits = String.valueOf(len).length();
                        int total = len + digits;
                        if (String.valueOf(total).length() != digits) {
                            total++;
                        }
                        byte[] pax = (total + rec).getBytes(StandardCharsets.UTF_8);
                        os.write(header("PaxHeader/x", pax.length, 'x', gnu));
                        writePadded(os, pax);
                    }
                }
                os.write(header(names[i].length() > 100 ? names[i].substring(0, 100) : names[i], data.length, '0',
                        gnu));
                writePadded(os, data);
            }
            os.write(new byte[1024]);
        }
    }

    private static void writePadded(OutputStream os, byte[] data) throws IOException {
        os.write(data);
        int pad = (512 - data.length % 512) % 512;
        os.write(new byte[pad]);
    }

    private static byte[] header(String name, long size, char type, boolean gnu) {
        byte[] h = new byte[512];
        put(h, 0, name.getBytes(StandardCharsets.UTF_8), 100);
        put(h, 100, "0000644\0".getBytes(StandardCharsets.US_ASCII), 8);
        put(h, 108, "0000000\0".getBytes(StandardCharsets.US_ASCII), 8);
        put(h, 116, "0000000\0".getBytes(StandardCharsets.US_ASCII), 8);
        put(h, 124, String.format("%011o\0", size).getBytes(StandardCharsets.US_ASCII), 12);
        put(h, 136, String.format("%011o\0", 1_700_000_000L).getBytes(StandardCharsets.US_ASCII), 12);
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        if (gnu) {
            put(h, 257, "ustar  \0".getBytes(StandardCharsets.US_ASCII), 8);
        } else {
            put(h, 257, "ustar\0".getBytes(StandardCharsets.US_ASCII), 6);
            put(h, 263, "00".getBytes(StandardCharsets.US_ASCII), 2);
        }
        put(h, 265, "test".getBytes(StandardCharsets.US_ASCII), 32);
        put(h, 297, "test".getBytes(StandardCharsets.US_ASCII), 32);
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII), 8);
        return h;
    }

    private static void put(byte[] h, int off, byte[] v, int max) {
        System.arraycopy(v, 0, h, off, Math.min(v.length, max));
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void indexFindsMembersAndTheirBytes() throws Exception {
        TarIndex idx = TarIndex.read(tar);
        assertEquals(List.of("a.mp4", "b.mkv", "notes.txt", LONG),
                idx.entries().stream().map(TarIndex.Entry::name).toList());
        assertMemberBytes(idx, "a.mp4", mp4);
        assertMemberBytes(idx, "./a.mp4", mp4); // normalised either way
        assertMemberBytes(idx, LONG, mp4);
        assertMemberBytes(idx, "b.mkv", mkv);
        assertTrue(TarIndex.of(tar) == TarIndex.of(tar), "indexed once, then cached");
    }

    @Test
    void gnuLongNames() throws Exception {
        Path gnu = dir.resolve("gnu.tar");
        writeTar(gnu, new String[] {LONG, "b.mkv"}, new Path[] {mp4, mkv}, true);
        TarIndex idx = TarIndex.read(gnu);
        assertMemberBytes(idx, LONG, mp4);
        assertMemberBytes(idx, "b.mkv", mkv);
    }

    /** Archives written by the system's tar (GNU and pax formats), when there is one. */
    @Test
    void systemTarArchives() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/" + LONG).getParent());
        Files.copy(mp4, src.resolve("clip.mp4"));
        Files.copy(mkv, dir.resolve("src/b.mkv"));
        for (String format : new String[] {"gnu", "posix", "ustar"}) {
            Path out = dir.resolve("sys_" + format + ".tar");
            boolean ok;
            try {
                Process p = new ProcessBuilder("tar", "--format=" + format, "-cf", out.toString(), "-C",
                        dir.resolve("src").toString(), ".").redirectErrorStream(true).start();
                ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                ok = false;
            }
            assumeTrue(ok || !format.equals("gnu"), "no usable tar command");
            if (!ok) {
                continue; // ustar cannot store the long path: tar refuses, which is fine
            }
            TarIndex idx = TarIndex.read(out);
            assertMemberBytes(idx, "b.mkv", mkv);
            assertMemberBytes(idx, LONG, mp4);
            try (VideoSource v = TarVideo.open(out, LONG)) {
                assertEquals(45, DecodeTestVideos.indexOf(v.read(new int[] {45}).get(0)));
            }
        }
    }

    private static void assertMemberBytes(TarIndex idx, String member, Path file) throws IOException {
        TarIndex.Entry e = idx.find(member).orElseThrow(() -> new AssertionError("no " + member));
        byte[] expected = Files.readAllBytes(file);
        assertEquals(expected.length, e.size());
        byte[] all = Files.readAllBytes(idx.archive());
        assertArrayEquals(expected, Arrays.copyOfRange(all, (int) e.dataOffset(), (int) (e.dataOffset() + e.size())));
    }

    @Test
    void memberDecodesLikeTheFile() {
        int[] idx = {89, 0, 45, 44, 46, 12, 12};
        try (FfmpegVideo file = FfmpegVideo.open(mp4); VideoSource member = TarVideo.open(tar, "a.mp4")) {
            VideoInfo fi = file.info();
            VideoInfo mi = member.info();
            assertEquals(tar + "#a.mp4", mi.source());
            assertEquals(fi.frameCount(), mi.frameCount());
            assertEquals(fi.width(), mi.width());
            assertEquals(fi.codec(), mi.codec());
            assertEquals(file.read(idx), member.read(idx));
        }
        try (FfmpegVideo file = FfmpegVideo.open(mkv); VideoSource member = VideoSources.open(tar + "#b.mkv")) {
            int[] i2 = {59, 1, 30};
            assertEquals(file.read(i2), member.read(i2));
            assertEquals(60, member.info().frameCount());
        }
    }

    @Test
    void seekPathInsideTheArchive() {
        try (FfmpegVideo v = (FfmpegVideo) TarVideo.open(tar, LONG)) {
            v.strategy(FfmpegVideo.ReadStrategy.SEEK);
            int[] idx = {88, 3, 60, 89};
            assertArrayEquals(idx, v.read(idx).stream().mapToInt(DecodeTestVideos::indexOf).toArray());
        }
    }

    @Test
    void missingMemberNamesArchiveAndMember() {
        VideoException e = assertThrows(VideoException.class, () -> TarVideo.open(tar, "zzz.mp4"));
        assertTrue(e.getMessage().contains(tar.toString()) && e.getMessage().contains("zzz.mp4"), e.getMessage());
        VideoException e2 = assertThrows(VideoException.class, () -> TarVideo.open(tar, "sub/clip.mp4"));
        assertTrue(e2.getMessage().contains("did you mean"), e2.getMessage());
    }

    @Test
    void memberThatIsNotAVideo() {
        VideoException e = assertThrows(VideoException.class, () -> TarVideo.open(tar, "notes.txt"));
        assertTrue(e.getMessage().contains(tar + "#notes.txt"), e.getMessage());
        assertTrue(e.getMessage().contains("not a video"), e.getMessage());
    }

    @Test
    void notATarAndCompressedTar() throws Exception {
        VideoException e = assertThrows(VideoException.class, () -> TarVideo.open(mp4, "a.mp4"));
        assertTrue(e.getMessage().contains("not a tar archive"), e.getMessage());
        Path gz = dir.resolve("videos.tar.gz");
        try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(gz))) {
            os.write(Files.readAllBytes(tar));
        }
        VideoException e2 = assertThrows(VideoException.class, () -> TarIndex.read(gz));
        assertTrue(e2.getMessage().contains("gzip"), e2.getMessage());
        VideoException e3 = assertThrows(VideoException.class, () -> TarVideo.open(dir.resolve("none.tar"), "a"));
        assertTrue(e3.getMessage().contains("no such file"), e3.getMessage());
    }

    @Test
    void anArchiveCutInsideItsFirstMemberHasNothingToOffer() throws Exception {
        byte[] all = Files.readAllBytes(tar);
        Path cut = Files.write(dir.resolve("cut.tar"), Arrays.copyOf(all, 512 + 1000));
        VideoException e = assertThrows(VideoException.class, () -> TarIndex.read(cut));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("a.mp4"), e.getMessage());
    }

    /** A copy cut short keeps its whole members: they are read, and the damage is reported, not the archive lost. */
    @Test
    void anArchiveCutShortKeepsTheMembersBeforeTheCut() throws Exception {
        TarIndex whole = TarIndex.read(tar);
        TarIndex.Entry second = whole.entries().get(1);
        byte[] all = Files.readAllBytes(tar);
        Path cut = Files.write(dir.resolve("cut-later.tar"), Arrays.copyOf(all, (int) (second.dataOffset()
                + second.size() / 2)));
        TarIndex index = TarIndex.read(cut);
        assertEquals(List.of(whole.entries().get(0)), index.entries());
        assertTrue(index.damage().orElseThrow().contains("truncated") && index.damage().orElseThrow()
                .contains(second.name()), index.damage().toString());
        try (VideoSource v = VideoSources.open(cut + "#a.mp4")) {
            assertEquals(90, v.info().frameCount());
        }
        VideoException missing = assertThrows(VideoException.class, () -> index.require(second.name()));
        assertTrue(missing.getMessage().contains("damaged"), missing.getMessage());
        assertTrue(TarIndex.read(tar).damage().isEmpty());
    }

    @Test
    void videoSourcesSpecsAndXclipResolution() throws Exception {
        try (VideoSource v = VideoSources.open(tar + "#a.mp4")) {
            assertInstanceOf(FfmpegVideo.class, v);
            assertEquals(90, v.info().frameCount());
        }
        // DATA.ROOT = .../videos.tar, annotation line "a.mp4": member a.mp4 of videos.tar.
        assertEquals(tar + "#a.mp4", VideoSources.resolve(tar, "a.mp4"));
        try (VideoSource v = VideoSources.open(tar, "a.mp4")) {
            assertEquals(tar + "#a.mp4", v.info().source());
        }
        // A sub-folder in the annotation: X-CLIP looks for dirname + ".tar", member = basename.
        assertEquals(dir.resolve("videos/sub.tar") + "#c.mp4", VideoSources.resolve(tar, "sub/c.mp4"));
        // DATA.ROOT a folder: plain join.
        assertEquals(dir.resolve("a.mp4").toString(), VideoSources.resolve(dir, "a.mp4"));
        try (VideoSource v = VideoSources.open(dir, "a.mp4")) {
            assertEquals(mp4.toString(), v.info().source());
        }
        VideoException e = assertThrows(VideoException.class, () -> VideoSources.open(tar));
        assertTrue(e.getMessage().contains("#"), e.getMessage());
    }
}

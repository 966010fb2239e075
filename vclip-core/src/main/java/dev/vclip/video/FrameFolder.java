package dev.vclip.video;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A video stored as a folder of extracted frames ({@code img_00001.jpg, img_00002.jpg, ...}, as the
 * extracted-frame releases of Kinetics, Something-Something or HMDB store them), decoded with ImageIO.
 *
 * <p>Frames are the folder's {@code .jpg}, {@code .jpeg} and {@code .png} files (any case; hidden files skipped) in
 * natural order ({@link #NATURAL_ORDER}: {@code frame_2} before {@code frame_10}); frame 0 is the first file
 * whatever number it carries (datasets number from 1). There is no timing in a folder, so the frame rate is given
 * when opening (30 by default). Width and height come from the first frame's header; frames are returned at their
 * own size.
 */
public final class FrameFolder implements VideoSource {

    /** The frame rate assumed when none is given. */
    public static final double DEFAULT_FPS = 30.0;

    /**
     * Natural order: runs of digits compare as numbers ({@code 2 < 10}), everything else character by character;
     * ties (e.g. {@code 01} vs {@code 1}) fall back to plain string order so the order is total.
     */
    public static final Comparator<String> NATURAL_ORDER = FrameFolder::compareNatural;

    private final Path dir;
    private final List<Path> files;
    private final VideoInfo info;
    private boolean closed;

    private FrameFolder(Path dir, List<Path> files, VideoInfo info) {
        this.dir = dir;
        this.files = files;
        this.info = info;
    }

    /** Opens a frame folder at {@value #DEFAULT_FPS} fps. */
    public static FrameFolder open(Path dir) {
        return open(dir, DEFAULT_FPS);
    }

    /**
     * Opens a frame folder.
     *
     * @throws VideoException naming the folder when it does not exist, holds no frames, or its first frame cannot
     *                        be read
     */
    public static FrameFolder open(Path dir, double fps) {
        Objects.requireNonNull(dir, "dir");
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("fps must be positive, got " + fps);
        }
        String src = dir.toString();
        if (!Files.exists(dir)) {
            throw new VideoException(src + ": no such folder");
        }
        if (!Files.isDirectory(dir)) {
            throw new VideoException(src + ": not a folder");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> isFrameFile(p.getFileName().toString()) && Files.isRegularFile(p)).forEach(files::add);
        } catch (IOException e) {
            throw new VideoException(src + ": cannot list (" + e.getMessage() + ")", e);
        }
        if (files.isEmpty()) {
            throw new VideoException(src + ": no frames (no .jpg, .jpeg or .png files)");
        }
        files.sort(Comparator.comparing((Path p) -> p.getFileName().toString(), NATURAL_ORDER));
        int[] size = imageSize(files.get(0));
        int n = files.size();
        VideoInfo info = new VideoInfo(src, n, fps, n / fps, size[0], size[1], 0, "frames");
        return new FrameFolder(dir, List.copyOf(files), info);
    }

    /** The frame files, in frame order. */
    public List<Path> files() {
        return files;
    }

    @Override
    public VideoInfo info() {
        ensureOpen();
        return info;
    }

    @Override
    public List<RgbFrame> read(int[] frameIndices) {
        ensureOpen();
        Objects.requireNonNull(frameIndices, "frameIndices");
        int n = files.size();
        for (int t : frameIndices) {
            if (t < 0 || t >= n) {
                throw new VideoException(dir + ": frame index " + t + " out of range (the folder has " + n
                        + " frames, 0.." + (n - 1) + ")");
            }
        }
        Map<Integer, RgbFrame> cache = new HashMap<>();
        List<RgbFrame> out = new ArrayList<>(frameIndices.length);
        for (int t : frameIndices) {
            out.add(cache.computeIfAbsent(t, i -> decode(files.get(i))));
        }
        return out;
    }

    private static RgbFrame decode(Path file) {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new VideoException(file + ": cannot decode the frame (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new VideoException(file + ": not an image ImageIO can read");
        }
        return RgbFrame.fromBufferedImage(img);
    }

    /** Width and height from the image header, without decoding the pixels. */
    private static int[] imageSize(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in != null) {
                Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
                if (readers.hasNext()) {
                    ImageReader r = readers.next();
                    try {
                        r.setInput(in, true, true);
                        return new int[] {r.getWidth(0), r.getHeight(0)};
                    } finally {
                        r.dispose();
                    }
                }
            }
        } catch (IOException e) {
            throw new VideoException(file + ": cannot read the frame header (" + e.getMessage() + ")", e);
        }
        throw new VideoException(file + ": not an image ImageIO can read");
    }

    private static boolean isFrameFile(String name) {
        if (name.startsWith(".")) {
            return false;
        }
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    static int compareNatural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                // Compare the runs as numbers of any length: strip leading zeros, then length, then digits.
                int zi = si;
                while (zi < i - 1 && a.charAt(zi) == '0') {
                    zi++;
                }
                int zj = sj;
                while (zj < j - 1 && b.charAt(zj) == '0') {
                    zj++;
                }
                int la = i - zi;
                int lb = j - zj;
                if (la != lb) {
                    return Integer.compare(la, lb);
                }
                int c = a.substring(zi, i).compareTo(b.substring(zj, j));
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(dir + ": closed");
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "FrameFolder[" + dir + ", " + files.size() + " frames]";
    }
}

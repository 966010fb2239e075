package dev.vclip.server;

import dev.vclip.search.IndexEntry;
import dev.vclip.search.IndexStatus;
import dev.vclip.search.LibrarySearch;
import dev.vclip.search.SearchException;
import dev.vclip.search.SearchHit;
import dev.vclip.search.SearchQuery;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * An in-memory {@link LibrarySearch} over real video files: every entry has a caption, and a text query scores an
 * entry by the query words its caption has (ties: the order entries were added). It records what it was asked, can
 * be slowed down, held on a latch, or made to fail, and serves only files under its root (a symlink that leads out
 * is refused, as the real index must).
 */
final class FakeLibrary implements LibrarySearch {

    record Entry(IndexEntry entry, String caption, int order) {
    }

    private final Path root;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, Path> videos = new LinkedHashMap<>();
    private final Map<String, byte[]> thumbnails = new ConcurrentHashMap<>();

    final List<SearchQuery> queries = new CopyOnWriteArrayList<>();
    final List<String> videoFileCalls = new CopyOnWriteArrayList<>();
    final AtomicInteger running = new AtomicInteger();
    volatile long delayMillis;
    volatile CountDownLatch gate;

    FakeLibrary(Path root) {
        this.root = root;
    }

    /** A video and its whole entry; {@code path} may be outside the root (then videoFile refuses it). */
    FakeLibrary addVideo(String videoId, Path file, double duration, String caption) {
        videos.put(videoId, file);
        add(new IndexEntry(videoId, videoId, file.toString(), 0, duration, duration, true, size(file), 0,
                "h-" + videoId), caption);
        return this;
    }

    /** A moment of an added video. */
    FakeLibrary addMoment(String id, String videoId, double start, double end, String caption) {
        IndexEntry whole = entries.get(videoId).entry();
        add(new IndexEntry(id, videoId, whole.path(), start, end, whole.duration(), false, whole.size(), 0,
                whole.hash()), caption);
        return this;
    }

    private void add(IndexEntry e, String caption) {
        entries.put(e.id(), new Entry(e, caption, entries.size()));
    }

    private static long size(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<IndexEntry> entries() {
        return entries.values().stream().map(Entry::entry).toList();
    }

    @Override
    public List<SearchHit> search(SearchQuery query) {
        queries.add(query);
        running.incrementAndGet();
        try {
            CountDownLatch g = gate;
            if (g != null && !g.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SearchException("interrupted");
        } finally {
            running.decrementAndGet();
        }
        if ("explode".equals(query.text())) {
            throw new IllegalStateException("boom: secret internal detail at /etc/secret");
        }
        if ("refuse".equals(query.text())) {
            throw new SearchException("this index cannot answer 'refuse'");
        }
        Set<String> words = query.text() != null ? words(query.text())
                : words(entries.get(query.likeEntry()).caption());
        List<SearchHit> hits = new ArrayList<>();
        for (Entry e : entries.values()) {
            IndexEntry x = e.entry();
            if (query.scope() == SearchQuery.Scope.VIDEOS && !x.whole()
                    || query.scope() == SearchQuery.Scope.MOMENTS && x.whole()
                    || query.pathPrefix() != null && !x.path().startsWith(query.pathPrefix())
                    || x.end() - x.start() < query.minDurationSeconds()
                    || x.id().equals(query.likeEntry())) {
                continue;
            }
            Set<String> caption = words(e.caption());
            long common = words.stream().filter(caption::contains).count();
            hits.add(new SearchHit(x, common + 1.0 / (2 + e.order()), 1));
        }
        hits.sort(Comparator.comparingDouble(SearchHit::score).reversed());
        return List.copyOf(hits.subList(0, Math.min(query.top(), hits.size())));
    }

    private static Set<String> words(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")).filter(w -> !w.isEmpty())
                .collect(Collectors.toSet());
    }

    @Override
    public Optional<IndexEntry> entry(String id) {
        Entry e = entries.get(id);
        return e == null ? Optional.empty() : Optional.of(e.entry());
    }

    @Override
    public Optional<byte[]> thumbnail(String id) {
        Entry e = entries.get(id);
        return e == null ? Optional.empty() : Optional.of(thumbnails.computeIfAbsent(id, k -> jpeg(e.order())));
    }

    /** A 96x54 JPEG in a colour of its own. */
    static byte[] jpeg(int n) {
        BufferedImage image = new BufferedImage(96, 54, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.getHSBColor((n * 0.13f) % 1f, 0.6f, 0.9f));
        g.fillRect(0, 0, 96, 54);
        g.setColor(Color.DARK_GRAY);
        g.fillOval(30, 10, 34, 34);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "jpeg", out)) {
                throw new IllegalStateException("no JPEG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public Optional<Path> videoFile(String videoId) {
        videoFileCalls.add(videoId);
        Path file = videos.get(videoId);
        if (file == null || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            // only files inside the library, symlinks resolved
            return file.toRealPath().startsWith(root.toRealPath()) ? Optional.of(file) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public IndexStatus status() {
        int moments = (int) entries.values().stream().filter(e -> !e.entry().whole()).count();
        return new IndexStatus("fake-model", videos.size(), moments, 4, 2,
                List.of(new IndexStatus.Skipped(root.resolve("broken.mp4").toString(), "not a video")));
    }
}

package dev.vclip.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded load on loopback: 8 clients, each with its own connection pool, for 12 s (2 s warm-up, 10 s measured)
 * against the fake index with a 5 ms search delay, mixing searches (text and more-like-this, several pages), entries,
 * thumbnails and 64 KB video ranges. Every answer must be right, latencies are printed, and neither the process's
 * resident memory (read after a full collection) nor its heap in use nor the server's threads may keep growing.
 */
class SearchServerLoadTest {
    static final int CLIENTS = 8;
    static final Duration WARM_UP = Duration.ofSeconds(2);
    static final Duration MEASURED = Duration.ofSeconds(10);
    /**
     * Resident memory may grow at most this much from the end of the warm-up to the end of the run, both read after
     * a full collection. Most of what it may grow is the Java heap's committed size, which the JVM sizes as it likes
     * (the test JVM may take 4 GB); the rest of the process, and the heap in use, have bounds of their own.
     */
    static final long RSS_GROWTH_BOUND_KB = 128 * 1024;
    /** Resident memory outside the Java heap (threads, buffers, code, metaspace) may grow at most this much. */
    static final long NON_HEAP_RSS_GROWTH_BOUND_KB = 32 * 1024;
    /** The heap in use after a full collection may grow at most this much. */
    static final long HEAP_GROWTH_BOUND_KB = 16 * 1024;

    @Test
    void eightClientsForTenSecondsGetOnlyRightAnswersWithinBoundedMemory() throws Exception {
        FakeLibrary fake = Fixtures.fakeLibrary();
        fake.delayMillis = 5;
        long videoLength = Files.size(Fixtures.longVideo());
        List<String> queries = List.of("long video second 6", "growing", "moving left", "moment at second 12",
                "a video", "long");
        SearchServer.Options options = SearchServer.Options.defaults().withPort(0).withMaxConcurrent(2).withQueue(16);
        try (SearchServer server = SearchServer.start(fake, options)) {
            String base = "http://127.0.0.1:" + server.port();
            Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
            List<String> errors = new CopyOnWriteArrayList<>();
            AtomicLong measuredFrom = new AtomicLong(Long.MAX_VALUE);
            long start = System.nanoTime();
            long warmEnd = start + WARM_UP.toNanos();
            long end = warmEnd + MEASURED.toNanos();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int seed = c;
                running.add(clients.submit(() -> {
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    Random rng = new Random(seed);
                    while (System.nanoTime() < end) {
                        int kind = rng.nextInt(10);
                        String path;
                        String range = null;
                        String type;
                        if (kind < 4) {
                            type = "search";
                            path = "/api/search?q=" + queries.get(rng.nextInt(queries.size())).replace(' ', '+')
                                    + "&top=4&page=" + (1 + rng.nextInt(3));
                        } else if (kind == 4) {
                            type = "search";
                            path = "/api/search?like=long0%23m" + 2 * rng.nextInt(9) + "&top=8";
                        } else if (kind == 5) {
                            type = "entry";
                            path = "/api/entries/long0%23m" + 2 * rng.nextInt(9);
                        } else if (kind < 8) {
                            type = "thumbnail";
                            path = "/api/entries/clip" + rng.nextInt(4) + "/thumbnail";
                        } else {
                            type = "video";
                            long first = (long) (rng.nextDouble() * (videoLength - 1));
                            range = "bytes=" + first + "-" + (first + 65535);
                            path = "/api/videos/long0";
                        }
                        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                                .timeout(Duration.ofSeconds(10));
                        if (range != null) {
                            b.header("Range", range);
                        }
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                            long t1 = System.nanoTime();
                            int expected = range != null ? 206 : 200;
                            if (r.statusCode() != expected || r.body().length == 0) {
                                errors.add(path + " -> " + r.statusCode() + " " + Http.text(r));
                            }
                            if (t0 >= warmEnd) {
                                measuredFrom.accumulateAndGet(t0, Math::min);
                                latencies.computeIfAbsent(type, k -> Collections.synchronizedList(new ArrayList<>()))
                                        .add(t1 - t0);
                            }
                        } catch (IOException e) {
                            errors.add(path + " -> " + e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }));
            }
            // the baseline: once the warm-up is over
            Thread.sleep(Math.max(0, (warmEnd - System.nanoTime()) / 1_000_000));
            long heapAfterWarmUp = heapUsedAfterGcKb();
            long rssAfterWarmUp = settledRssKb();
            long nonHeapAfterWarmUp = rssAfterWarmUp - heapCommittedKb();
            int threadsAfterWarmUp = serverThreads();
            long rssMax = rssAfterWarmUp;
            while (System.nanoTime() < end) {
                Thread.sleep(250);
                rssMax = Math.max(rssMax, rssKb());
            }
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
            clients.shutdown();
            long heapEnd = heapUsedAfterGcKb();
            long rssEnd = settledRssKb();
            long nonHeapEnd = rssEnd - heapCommittedKb();
            int threadsEnd = serverThreads();

            List<Long> all = new ArrayList<>();
            latencies.values().forEach(all::addAll);
            double seconds = MEASURED.toMillis() / 1000.0;
            StringBuilder report = new StringBuilder(String.format(
                    "load: %d clients, %d requests in %.0f s (%.0f/s), %d errors; RSS %d MB after warm-up, %d MB at "
                            + "the end, %d MB at most (bound: +%d MB); outside the heap %d -> %d MB (bound: +%d MB); heap in use after a GC "
                            + "%d -> %d MB (bound: +%d MB); server threads %d -> %d%n",
                    CLIENTS, all.size(), seconds, all.size() / seconds, errors.size(), rssAfterWarmUp / 1024,
                    rssEnd / 1024, rssMax / 1024, RSS_GROWTH_BOUND_KB / 1024, nonHeapAfterWarmUp / 1024,
                    nonHeapEnd / 1024, NON_HEAP_RSS_GROWTH_BOUND_KB / 1024, heapAfterWarmUp / 1024, heapEnd / 1024,
                    HEAP_GROWTH_BOUND_KB / 1024, threadsAfterWarmUp, threadsEnd));
            report.append(line("all", all));
            latencies.keySet().stream().sorted().forEach(k -> report.append(line(k, latencies.get(k))));
            System.out.print(report);

            assertEquals(List.of(), errors.subList(0, Math.min(10, errors.size())), errors.size() + " errors");
            assertTrue(all.size() > 200, report.toString());
            assertTrue(rssEnd - rssAfterWarmUp <= RSS_GROWTH_BOUND_KB, report.toString());
            assertTrue(nonHeapEnd - nonHeapAfterWarmUp <= NON_HEAP_RSS_GROWTH_BOUND_KB, report.toString());
            assertTrue(heapEnd - heapAfterWarmUp <= HEAP_GROWTH_BOUND_KB, report.toString());
            // the server's pools grow and shrink a little; a thread per request would be thousands here
            assertTrue(threadsEnd <= threadsAfterWarmUp + 8, report.toString());
            assertTrue(percentile(latencies.get("search"), 0.99) < 1_000_000_000L, report.toString());
        }
    }

    private static String line(String what, List<Long> nanos) {
        return String.format("  %-9s n=%6d  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms%n", what, nanos.size(),
                percentile(nanos, 0.50) / 1e6, percentile(nanos, 0.99) / 1e6, percentile(nanos, 1.0) / 1e6);
    }

    private static long percentile(List<Long> values, double p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /** The Java heap in use after a full collection, in kB (what a leak would make grow). */
    static long heapUsedAfterGcKb() throws InterruptedException {
        System.gc();
        Thread.sleep(100);
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / 1024;
    }

    /** The Java heap's committed size, in kB (resident once touched). */
    static long heapCommittedKb() {
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1024;
    }

    /** Threads of the server: Jetty's ({@code vclip-http}) and the search pool's ({@code vclip-search}). */
    static int serverThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("vclip-http") || t.getName().startsWith("vclip-search")).count();
    }

    /**
     * Resident memory once it has settled after a collection: G1 gives shrunk heap regions back to the system on a
     * thread of its own, a little after the collection. Waits until two readings 200 ms apart differ by under 1 MB
     * (at most 3 s).
     */
    static long settledRssKb() throws IOException, InterruptedException {
        long last = rssKb();
        for (int i = 0; i < 15; i++) {
            Thread.sleep(200);
            long now = rssKb();
            if (Math.abs(now - last) < 1024) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /** This process's resident memory, in kB (VmRSS of /proc/self/status). */
    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}

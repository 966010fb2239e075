package dev.vclip.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrefetchLoaderTest {

    private static List<Integer> upTo(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void resultsComeInInputOrderWhateverTheTiming() {
        Random jitter = new Random(1);
        int[] sleeps = IntStream.range(0, 60).map(i -> jitter.nextInt(4)).toArray();
        List<Integer> seen = new ArrayList<>();
        try (PrefetchLoader<Integer, Integer> loader = PrefetchLoader.start(upTo(60), 4, 6, (item, index) -> {
            Thread.sleep(sleeps[index]);
            return item * 10;
        }, null)) {
            for (PrefetchLoader.Result<Integer, Integer> r : loader) {
                seen.add(((PrefetchLoader.Loaded<Integer, Integer>) r).value());
            }
        }
        assertEquals(IntStream.range(0, 60).map(i -> i * 10).boxed().toList(), seen);
    }

    @Test
    void aFailingItemIsSkippedCountedAndTheRunGoesOn() {
        List<String> items = List.of("ok-0", "bad", "ok-2", "also-bad", "ok-4");
        int loaded = 0;
        try (PrefetchLoader<String, String> loader = PrefetchLoader.start(items, 2, 2, (item, index) -> {
            if (item.contains("bad")) {
                throw new IllegalStateException(item + ": cannot decode");
            }
            return item;
        }, null)) {
            for (PrefetchLoader.Result<String, String> r : loader) {
                if (r instanceof PrefetchLoader.Loaded<String, String>) {
                    loaded++;
                } else {
                    assertInstanceOf(PrefetchLoader.Failed.class, r);
                }
            }
            assertEquals(3, loaded);
            assertEquals(2, loader.failures().size());
            assertEquals("bad: cannot decode", loader.failures().get(0).reason());
            assertEquals(3, loader.failures().get(1).index());
        }
    }

    @Test
    void noMoreThanTheWindowIsInFlightOrWaiting() throws InterruptedException {
        AtomicInteger started = new AtomicInteger();
        try (PrefetchLoader<Integer, Integer> loader = PrefetchLoader.start(upTo(100), 3, 5, (item, index) -> {
            started.incrementAndGet();
            return item;
        }, null)) {
            Thread.sleep(200); // nothing consumed: the workers must stop at the window
            assertEquals(5, started.get());
            var it = loader.iterator();
            it.next();
            Thread.sleep(100);
            assertEquals(6, started.get());
        }
    }

    @Test
    void perItemSeedsMakeRandomLoadsDeterministic() {
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        for (List<Long> out : List.of(first, second)) {
            try (PrefetchLoader<Integer, Long> loader = PrefetchLoader.start(upTo(20), 3, 4,
                    (item, index) -> new Random(PrefetchLoader.seedFor(42, 0, index)).nextLong(), null)) {
                loader.forEach(r -> out.add(((PrefetchLoader.Loaded<Integer, Long>) r).value()));
            }
        }
        assertEquals(first, second);
        assertTrue(PrefetchLoader.seedFor(42, 0, 1) != PrefetchLoader.seedFor(42, 1, 1), "epochs differ");
    }

    @Test
    void progressCountsHandedOutItems() {
        List<Integer> reports = new ArrayList<>();
        try (PrefetchLoader<Integer, Integer> loader = PrefetchLoader.start(upTo(5), 2, 2, (i, idx) -> i, reports::add)) {
            loader.forEach(r -> { });
        }
        assertEquals(List.of(1, 2, 3, 4, 5), reports);
    }
}

package dev.vclip.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * Loads items (decode, sample, transform) on worker threads ahead of the consumer, through a bounded window, and
 * hands the results over in input order, so a run is deterministic whatever the thread timing: randomness belongs in
 * the load function, seeded from the item's index (see {@link #seedFor}).
 *
 * <p>An item whose load throws is not fatal: it comes out as {@link Failed} with the reason, is counted, and the run
 * goes on. At most {@code window} items are loaded or waiting at any time, which bounds memory.
 *
 * <p>Why permits are taken before indices: a worker first takes a slot of the window, then the next index. So every
 * index handed out holds a slot, and the index the consumer waits for is always loading or next to be taken; no
 * deadlock whatever the window.
 */
public final class PrefetchLoader<I, O> implements Iterable<PrefetchLoader.Result<I, O>>, AutoCloseable {

    /** What loads one item. {@code index} is the item's position in the input list. */
    @FunctionalInterface
    public interface LoadFunction<I, O> {
        O load(I item, int index) throws Exception;
    }

    /** The outcome for one item, in input order. */
    public sealed interface Result<I, O> permits Loaded, Failed {
        int index();

        I item();
    }

    public record Loaded<I, O>(int index, I item, O value) implements Result<I, O> {
    }

    /** A skipped item and why (exception class and message). */
    public record Failed<I, O>(int index, I item, String reason) implements Result<I, O> {
    }

    private final List<I> items;
    private final LoadFunction<I, O> load;
    private final ExecutorService workers;
    private final Semaphore window;
    private final AtomicInteger nextIndex = new AtomicInteger();
    private final Map<Integer, Result<I, O>> ready = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final List<Failed<I, O>> failures = Collections.synchronizedList(new ArrayList<>());
    private final IntConsumer progress;
    private volatile boolean closed;
    private boolean iterated;

    private PrefetchLoader(List<I> items, int workerCount, int windowSize, LoadFunction<I, O> load, IntConsumer progress) {
        if (workerCount < 1 || windowSize < 1) {
            throw new IllegalArgumentException("workers and window must be at least 1");
        }
        this.items = List.copyOf(items);
        this.load = load;
        this.window = new Semaphore(windowSize);
        this.progress = progress;
        this.workers = Executors.newFixedThreadPool(workerCount, r -> {
            Thread t = new Thread(r, "vclip-loader");
            t.setDaemon(true);
            return t;
        });
        for (int w = 0; w < workerCount; w++) {
            workers.execute(this::work);
        }
    }

    /**
     * Starts loading {@code items} with {@code workers} threads, at most {@code window} items ahead of the consumer.
     * {@code progress} (may be null) is called with the number of items handed out so far.
     */
    public static <I, O> PrefetchLoader<I, O> start(List<I> items, int workers, int window, LoadFunction<I, O> load,
                                                  IntConsumer progress) {
        return new PrefetchLoader<>(items, workers, window, load, progress);
    }

    /** A seed for item {@code index} of epoch {@code epoch} of a run seeded with {@code seed} (SplitMix64 mixing). */
    public static long seedFor(long seed, int epoch, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void work() {
        while (!closed) {
            try {
                window.acquire();
            } catch (InterruptedException e) {
                return;
            }
            int index = nextIndex.getAndIncrement();
            if (index >= items.size() || closed) {
                window.release();
                return;
            }
            I item = items.get(index);
            Result<I, O> result;
            try {
                result = new Loaded<>(index, item, load.load(item, index));
            } catch (Exception | OutOfMemoryError e) {
                String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                result = new Failed<>(index, item, reason);
            }
            ready.put(index, result);
            lock.lock();
            try {
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Results in input order; iterate once. */
    @Override
    public synchronized Iterator<Result<I, O>> iterator() {
        if (iterated) {
            throw new IllegalStateException("a PrefetchLoader is iterated once");
        }
        iterated = true;
        return new Iterator<>() {
            private int cursor;

            @Override
            public boolean hasNext() {
                return cursor < items.size() && !closed;
            }

            @Override
            public Result<I, O> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Result<I, O> result = await(cursor);
                ready.remove(cursor);
                window.release();
                cursor++;
                if (result instanceof Failed<I, O> failed) {
                    failures.add(failed);
                }
                if (progress != null) {
                    progress.accept(cursor);
                }
                return result;
            }
        };
    }

    private Result<I, O> await(int index) {
        lock.lock();
        try {
            Result<I, O> result;
            while ((result = ready.get(index)) == null) {
                if (closed) {
                    throw new IllegalStateException("loader closed");
                }
                arrived.awaitUninterruptibly();
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** Items skipped so far, with reasons. */
    public List<Failed<I, O>> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    public int size() {
        return items.size();
    }

    @Override
    public void close() {
        closed = true;
        workers.shutdownNow();
        lock.lock();
        try {
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }
}

package dev.vclip.server;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where model work runs: at most {@code concurrent} searches at once on threads of their own, at most {@code queue}
 * more waiting; a search that finds the queue full, or that has not finished after {@code timeout} (waiting
 * included), is answered 503 at once. A timed-out search is interrupted but keeps its thread until the model call
 * returns, so the bound holds.
 */
final class SearchPool implements AutoCloseable {
    private final ThreadPoolExecutor executor;
    private final Duration timeout;
    private final int concurrent;
    private final int queue;

    SearchPool(int concurrent, int queue, Duration timeout) {
        this.concurrent = concurrent;
        this.queue = queue;
        this.timeout = timeout;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(concurrent, concurrent, 30, TimeUnit.SECONDS,
                queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, "vclip-search-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code work} on the pool and waits for it; a RuntimeException it throws comes back as it was. */
    <T> T run(Callable<T> work) {
        Future<T> future;
        try {
            future = executor.submit(work);
        } catch (RejectedExecutionException e) {
            throw new ApiError(503, "busy: " + concurrent + " searches running and " + queue
                    + " waiting, as many as this server takes; try again in a moment");
        }
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ApiError(503, "the search took longer than " + seconds(timeout) + "; try again in a moment");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ApiError(503, "the server is stopping");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Searches running now and waiting now. */
    int running() {
        return executor.getActiveCount();
    }

    int waiting() {
        return executor.getQueue().size();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            // searches past their timeout may still be in the model: the caller closes the model after this
            if (!executor.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)) {
                System.getLogger(SearchPool.class.getName()).log(System.Logger.Level.WARNING,
                        "searches still running 60 s after shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

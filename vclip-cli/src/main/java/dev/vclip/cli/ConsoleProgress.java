package dev.vclip.cli;

import dev.vclip.report.Progress;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The CLI's {@link Progress}: on stderr, so stdout stays clean for results:
 *
 * <pre>{@code
 * try (dev.vclip.report.Progress progress = ConsoleConsoleProgress.start("encode videos", videos.size())) {
 *     for (Path video : videos) {
 *         encode(video);
 *         progress.step();
 *     }
 * }
 * }</pre>
 *
 * <p>On a terminal: one ASCII line redrawn in place at most once a second,
 * {@code encode videos  30% [=====>      ] 9/30 (0:00:04 / 0:00:09)}. When stderr is not a terminal (CI logs,
 * {@code 2> run.log}) a carriage-return line would pile up into one unreadable line, so it prints a plain line every
 * {@value #PLAIN_UPDATE_MILLIS} ms instead, and only when there was progress. The environment variable
 * {@code VCLIP_PROGRESS} overrides the choice: {@code bar}, {@code plain} or {@code off}.
 *
 * <p>{@code VCLIP_PROGRESS=off} gives {@link Progress#none()}, which counts but prints nothing.
 * Steps may come from several threads.
 */
public final class ConsoleProgress implements Progress {

    /** Starts console progress as {@link #start} does: what the commands hand to library calls. */
    public static final Progress.Factory FACTORY = ConsoleProgress::start;

    /** The terminal line is redrawn at most this often: faster only flickers and costs a syscall per redraw. */
    static final int TERMINAL_UPDATE_MILLIS = 1000;
    /** Plain lines in logs: often enough to see a run is alive, rarely enough to keep a long run's log readable. */
    static final int PLAIN_UPDATE_MILLIS = 10_000;
    private static final int DEFAULT_LINE_WIDTH = 100;

    /** Where lines go. */
    private final ProgressBar bar;
    private final AtomicLong done = new AtomicLong();

    private ConsoleProgress(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * Progress on stderr: a redrawn line on a terminal, plain periodic lines otherwise (see the class comment).
     *
     * @param total the number of steps, or a negative number when unknown (then only the count and time show)
     */
    public static Progress start(String task, long total) {
        String choice = System.getenv("VCLIP_PROGRESS");
        String mode = choice == null ? "" : choice.trim().toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "off", "none", "0", "false" -> Progress.none();
            case "plain" -> plainLines(task, total, System.err);
            case "bar" -> terminalLine(task, total, System.err);
            default -> stderrIsTerminal() ? terminalLine(task, total, System.err) : plainLines(task, total, System.err);
        };
    }

    /**
     * Plain lines, one every {@code interval} when there was progress and a last one on {@link #close()}, handed to
     * {@code sink}: a logger, a test's list.
     */
    public static Progress lines(String task, long total, Consumer<String> sink, Duration interval) {
        Objects.requireNonNull(sink, "sink");
        long millis = interval.toMillis();
        if (millis < 1 || millis > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("interval must be between 1 ms and 24 days, got " + interval);
        }
        return build(task, total, (int) millis, new DelegatingProgressBarConsumer(withoutRepeats(sink),
                DEFAULT_LINE_WIDTH));
    }

    /**
     * progressbar renders the final state twice (last tick and close); on a terminal the second overwrites the
     * first, in a log it would be a duplicate line. Trailing padding goes too.
     */
    private static Consumer<String> withoutRepeats(Consumer<String> sink) {
        return new Consumer<>() {
            private String previous;

            @Override
            public synchronized void accept(String rendered) {
                String line = rendered.stripTrailing(); // the renderer pads; a log line needs no trailing blanks
                if (!line.equals(previous)) {
                    previous = line;
                    sink.accept(line);
                }
            }
        };
    }

    private static Progress plainLines(String task, long total, PrintStream out) {
        return lines(task, total, out::println, Duration.ofMillis(PLAIN_UPDATE_MILLIS));
    }

    private static Progress terminalLine(String task, long total, PrintStream out) {
        // The width is given, not asked of the terminal: progressbar would start JLine for it.
        return build(task, total, TERMINAL_UPDATE_MILLIS, new ConsoleProgressBarConsumer(out, terminalWidth()));
    }

    private static Progress build(String task, long total, int updateMillis, ProgressBarConsumer consumer) {
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(Objects.requireNonNull(task, "task"))
                .setInitialMax(total < 0 ? -1 : total)
                .setStyle(ProgressBarStyle.ASCII) // no ANSI colours or block characters: logs and dumb terminals
                .setUpdateIntervalMillis(updateMillis)
                .setConsumer(consumer)
                .build();
        return new ConsoleProgress(bar);
    }

    @Override
    /** One step done. */
    public void step() {
        stepBy(1);
    }

    /** {@code steps} steps done (a batch). */
    @Override
    public void stepBy(long steps) {
        done.addAndGet(steps);
        bar.stepBy(steps);
    }

    /** A short status after the bar, e.g. the file at hand or the current loss. */
    @Override
    public void message(String message) {
        bar.setExtraMessage(message);
    }

    /** Steps done so far. */
    @Override
    public long current() {
        return done.get();
    }

    /** Prints the final state (once) and stops the updates. */
    @Override
    public void close() {
        bar.close();
    }

    /**
     * Whether stderr is a terminal. Linux tells exactly through {@code /proc/self/fd/2}; elsewhere
     * {@link System#console()} (stdin and stdout are terminals) is the best guess the JDK offers.
     */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Path stderrLink = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(stderrLink)) {
            try {
                String target = Files.readSymbolicLink(stderrLink).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                // fall through to the portable guess
            }
        }
        return System.console() != null;
    }

    private static int terminalWidth() {
        String columns = System.getenv("COLUMNS");
        if (columns != null) {
            try {
                int width = Integer.parseInt(columns.trim());
                if (width >= 40) {
                    return width - 1; // a full-width line wraps on some terminals
                }
            } catch (NumberFormatException ignored) {
                // not a number: use the default
            }
        }
        return DEFAULT_LINE_WIDTH;
    }
}

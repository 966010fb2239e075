package dev.vclip.cli;

import dev.vclip.VclipException;
import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.server.LibraryOpener;
import dev.vclip.server.SearchServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(name = "serve", mixinStandardHelpOptions = true, description = {
        "Serve an indexed video library: a search page (type what happens, play the moment) and a JSON API "
                + "(/api/search, /api/entries/ID, /api/entries/ID/thumbnail, /api/videos/VIDEO_ID with Range "
                + "requests, /api/status). Runs until interrupted (Ctrl-C).",
        "It listens on 127.0.0.1, this machine only, unless --host says otherwise; any other address needs a token "
                + "(--token, or the VCLIP_SERVE_TOKEN environment variable, which keeps it out of the process list). "
                + "With a token, open http://HOST:PORT/?token=TOKEN once in the browser; API clients send "
                + "'Authorization: Bearer TOKEN'.",
        "Example: vclip serve --index runs/index --model models/xclip-synth --port 8080"})
final class ServeCommand extends VclipCommand {

    /** Where the token may come from instead of the command line. */
    static final String TOKEN_VARIABLE = "VCLIP_SERVE_TOKEN";

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "the index folder to serve")
    Path index;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "the model folder the index was built with (text queries are encoded with it)")
    Path model;

    @Option(names = "--host", paramLabel = "HOST", converter = Checks.NotBlank.class,
            description = "address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0: every "
                    + "interface, needs a token)")
    String host = SearchServer.Options.DEFAULT_HOST;

    @Option(names = "--port", paramLabel = "N", converter = Port.class,
            description = "port to listen on (default: ${DEFAULT-VALUE}; 0: any free port, printed)")
    int port = SearchServer.Options.DEFAULT_PORT;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "the token every request must carry (8 to 512 letters, digits or - . _ ~ + / =); "
                    + "default: $" + TOKEN_VARIABLE + " if set, else none (loopback only)")
    String token;

    @Option(names = "--max-concurrent", paramLabel = "N", converter = Checks.AtLeastOne.class,
            description = "searches run at once (default: ${DEFAULT-VALUE}); more wait in the queue")
    int maxConcurrent = SearchServer.Options.DEFAULT_MAX_CONCURRENT;

    @Option(names = "--queue", paramLabel = "N", converter = Checks.AtLeastZero.class,
            description = "searches that may wait for a slot (default: ${DEFAULT-VALUE}); past that: 503 busy")
    int queue = SearchServer.Options.DEFAULT_QUEUE;

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = Checks.AtLeastOne.class,
            description = "longest a search may take, waiting included (default: ${DEFAULT-VALUE}); past that: 503")
    int timeout = (int) SearchServer.Options.DEFAULT_TIMEOUT.toSeconds();

    /** A port number, 0 to 65535. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = Checks.wholeNumber(value);
            if (n < 0 || n > 65535) {
                throw new TypeConversionException("must be 0 to 65535, not " + n);
            }
            return n;
        }
    }

    @Override
    public Integer call() throws Exception {
        String key = token != null ? token : System.getenv(TOKEN_VARIABLE);
        if (key != null && key.isEmpty()) {
            key = null;
        }
        if (key != null && !SearchServer.validToken(key)) {
            throw usage("--token: " + SearchServer.TOKEN_RULE + (token == null ? " (from $" + TOKEN_VARIABLE + ")"
                    : ""));
        }
        boolean loopback;
        try {
            loopback = SearchServer.isLoopback(host);
        } catch (IllegalArgumentException e) {
            throw usage("--host: " + e.getMessage());
        }
        if (!loopback && key == null) {
            throw usage("--host " + host + " lets other machines in: give a token with --token (or $"
                    + TOKEN_VARIABLE + ") or keep the default host, 127.0.0.1");
        }
        LibraryOpener opener = opener();
        for (Path dir : new Path[]{index, model}) {
            if (!Files.isDirectory(dir)) {
                throw new VclipException("no folder " + dir + " (--" + (dir == index ? "index" : "model") + ")");
            }
        }
        SearchServer.Options options = new SearchServer.Options(host, port, key, maxConcurrent, queue,
                Duration.ofSeconds(timeout));
        var library = opener.open(index, model);
        Shutdown shutdown = new Shutdown();
        try {
            try (SearchServer server = SearchServer.start(library, options)) {
                var status = library.status();
                out().printf("vclip serve: %d videos, %d moments (model %s) from %s%n", status.videos(),
                        status.moments(), status.model(), index);
                out().println("listening on " + server.url()
                        + (loopback ? " (this machine only)" : " (every client needs the token)"));
                if (key != null) {
                    out().println("open " + server.url() + "?token=" + key + " in a browser; API clients send "
                            + "'Authorization: Bearer TOKEN'");
                }
                out().println("Ctrl-C stops");
                out().flush();
                shutdown.await();
            }
            out().println("vclip serve: stopped");
        } finally {
            try {
                if (library instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            } finally {
                shutdown.done();
            }
        }
        return 0;
    }

    /** The index implementation registered with ServiceLoader; exit 1 when there is none. */
    static LibraryOpener opener() {
        Iterator<LibraryOpener> found = ServiceLoader.load(LibraryOpener.class).iterator();
        if (!found.hasNext()) {
            throw new VclipException("no index implementation available: nothing on the class path registers a "
                    + LibraryOpener.class.getName() + " (META-INF/services)");
        }
        return found.next();
    }

    /**
     * Ctrl-C (SIGINT) or SIGTERM: the JVM runs this hook, which wakes {@link #await} and then holds the JVM until
     * the server and the library are closed ({@link #done}), at most 10 s. An interrupt wakes {@link #await} too
     * (a Java caller that runs the command on a thread of its own).
     */
    private static final class Shutdown {
        private final CountDownLatch asked = new CountDownLatch(1);
        private final CountDownLatch finished = new CountDownLatch(1);
        private final Thread hook = new Thread(this::stopAndWait, "vclip-serve-stop");
        private boolean interrupted;

        Shutdown() {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        private void stopAndWait() {
            asked.countDown();
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void await() {
            try {
                asked.await();
            } catch (InterruptedException e) {
                interrupted = true; // kept for after the server has closed, which must not be interrupted
            }
        }

        void done() {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException stopping) {
                // the JVM is already shutting down: the hook has run or runs now, and no longer waits
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

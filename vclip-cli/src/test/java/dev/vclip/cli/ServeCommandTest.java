package dev.vclip.cli;

import dev.vclip.search.IndexEntry;
import dev.vclip.search.IndexStatus;
import dev.vclip.search.LibrarySearch;
import dev.vclip.search.SearchHit;
import dev.vclip.search.SearchQuery;
import dev.vclip.server.LibraryOpener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vclip serve}: its usage errors, the missing index implementation, and a run until interrupted. */
class ServeCommandTest {

    @TempDir
    Path dir;

    static final String SERVICE = "META-INF/services/" + LibraryOpener.class.getName();

    /** An empty library that says it was opened and closed. */
    public static final class FakeOpener implements LibraryOpener {
        static final AtomicInteger OPENED = new AtomicInteger();
        static final AtomicBoolean CLOSED = new AtomicBoolean();

        @Override
        public LibrarySearch open(Path index, Path model) {
            OPENED.incrementAndGet();
            return new Library();
        }

        static final class Library implements LibrarySearch, AutoCloseable {
            @Override
            public List<SearchHit> search(SearchQuery query) {
                return List.of();
            }

            @Override
            public Optional<IndexEntry> entry(String id) {
                return Optional.empty();
            }

            @Override
            public Optional<byte[]> thumbnail(String id) {
                return Optional.empty();
            }

            @Override
            public Optional<Path> videoFile(String videoId) {
                return Optional.empty();
            }

            @Override
            public IndexStatus status() {
                return new IndexStatus("cli-fake", 3, 5, 4, 2, List.of());
            }

            @Override
            public void close() {
                CLOSED.set(true);
            }
        }
    }

    /** A class loader whose service file for LibraryOpener lists exactly {@code implementations}. */
    private ClassLoader services(String... implementations) throws IOException {
        Path file = dir.resolve("services-" + implementations.length);
        Files.writeString(file, String.join("\n", implementations) + "\n");
        URL url = file.toUri().toURL();
        return new ClassLoader(getClass().getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                if (name.equals(SERVICE)) {
                    return implementations.length == 0 ? Collections.emptyEnumeration()
                            : Collections.enumeration(List.of(url));
                }
                return super.getResources(name);
            }
        };
    }

    private String[] serve(String... more) throws IOException {
        Path index = Files.createDirectories(dir.resolve("index"));
        Path model = Files.createDirectories(dir.resolve("model"));
        List<String> args = new java.util.ArrayList<>(List.of("serve", "--index", index.toString(), "--model",
                model.toString()));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    @Test
    void listeningBeyondLoopbackWithoutATokenIsAUsageError() throws Exception {
        for (String host : List.of("0.0.0.0", "::")) {
            CliRun.Result r = CliRun.run(serve("--host", host));
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().startsWith("error: --host " + host + " lets other machines in: give a token with "
                    + "--token"), r.err());
            assertTrue(r.err().contains("see 'vclip serve --help'"), r.err());
        }
    }

    @Test
    void badOptionValuesAreUsageErrorsNamingTheOption() throws Exception {
        for (List<String> bad : List.of(List.of("--port", "70000"), List.of("--port", "-1"),
                List.of("--max-concurrent", "0"), List.of("--queue", "-1"), List.of("--timeout", "0"),
                List.of("--host", " "))) {
            CliRun.Result r = CliRun.run(serve(bad.toArray(new String[0])));
            assertEquals(2, r.exit(), bad + ": " + r.err());
            assertTrue(r.err().startsWith("error: Invalid value for option '" + bad.get(0) + "'"), r.err());
        }
        CliRun.Result shortToken = CliRun.run(serve("--token", "short"));
        assertEquals(2, shortToken.exit());
        assertTrue(shortToken.err().startsWith("error: --token: a token is 8 to 512 characters"), shortToken.err());
        CliRun.Result unknownHost = CliRun.run(serve("--host", "no-such-host.invalid"));
        assertEquals(2, unknownHost.exit());
        assertTrue(unknownHost.err().startsWith("error: --host: cannot resolve"), unknownHost.err());
        CliRun.Result missing = CliRun.run("serve", "--model", dir.toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().startsWith("error: Missing required option: '--index=DIR'"), missing.err());
    }

    @Test
    void withoutAnIndexImplementationItExits1() throws Exception {
        Thread me = Thread.currentThread();
        ClassLoader old = me.getContextClassLoader();
        me.setContextClassLoader(services());
        try {
            CliRun.Result r = CliRun.run(serve());
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().startsWith("error: no index implementation available"), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        } finally {
            me.setContextClassLoader(old);
        }
    }

    @Test
    void aMissingIndexFolderExits1() throws Exception {
        Thread me = Thread.currentThread();
        ClassLoader old = me.getContextClassLoader();
        me.setContextClassLoader(services(FakeOpener.class.getName()));
        try {
            CliRun.Result r = CliRun.run("serve", "--index", dir.resolve("nothing").toString(), "--model",
                    dir.toString());
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().startsWith("error: no folder " + dir.resolve("nothing") + " (--index)"), r.err());
        } finally {
            me.setContextClassLoader(old);
        }
    }

    @Test
    void itServesUntilInterruptedThenClosesTheServerAndTheLibrary() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicReference<Integer> exit = new AtomicReference<>();
        ClassLoader loader = services(FakeOpener.class.getName());
        String[] args = serve("--port", "0", "--max-concurrent", "1");
        Thread run = new Thread(() -> exit.set(Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
                args)), "serve-under-test");
        run.setContextClassLoader(loader);
        FakeOpener.CLOSED.set(false);
        run.start();
        Pattern listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+)/) \\(this machine only\\)");
        Matcher m = listening.matcher("");
        for (int i = 0; i < 300 && !(m = listening.matcher(out.toString())).find(); i++) {
            Thread.sleep(50);
        }
        assertTrue(m.find(0), "never listened: " + out + err);
        URI url = URI.create(m.group(1));
        assertTrue(out.toString().startsWith("vclip serve: 3 videos, 5 moments (model cli-fake) from "), out.toString());

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(url.resolve("/api/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, status.statusCode());
        assertTrue(status.body().contains("\"model\":\"cli-fake\""), status.body());
        assertTrue(status.body().contains("\"max_concurrent\":1"), status.body());

        run.interrupt();
        run.join(15_000);
        assertFalse(run.isAlive(), "still serving");
        assertEquals(0, exit.get(), err.toString());
        assertTrue(out.toString().contains("vclip serve: stopped"), out.toString());
        assertTrue(FakeOpener.CLOSED.get(), "the library was not closed");
        assertThrows(ConnectException.class, () -> http.send(HttpRequest.newBuilder(url.resolve("/api/status"))
                .build(), HttpResponse.BodyHandlers.ofString()));
    }
}

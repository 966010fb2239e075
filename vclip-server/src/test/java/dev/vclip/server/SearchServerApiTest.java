package dev.vclip.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vclip.search.SearchQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON API over a fake index of real small videos, through java.net.http and raw sockets. */
class SearchServerApiTest {

    static FakeLibrary fake;
    static SearchServer server;
    static Http http;
    static byte[] longVideo;

    /** What the guard logged (System.Logger goes to java.util.logging here). */
    static final List<LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() throws Exception {
        fake = Fixtures.fakeLibrary();
        server = SearchServer.start(fake, SearchServer.Options.defaults().withPort(0));
        http = new Http(server.url());
        longVideo = Files.readAllBytes(Fixtures.longVideo());
        Logger.getLogger(RequestGuard.class.getName()).addHandler(CAPTURE);
    }

    @AfterAll
    static void stop() {
        Logger.getLogger(RequestGuard.class.getName()).removeHandler(CAPTURE);
        server.close();
    }

    @BeforeEach
    void forget() {
        fake.queries.clear();
        fake.videoFileCalls.clear();
        logged.clear();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode ok(String pathAndQuery) {
        HttpResponse<byte[]> r = http.get(pathAndQuery);
        assertEquals(200, r.statusCode(), pathAndQuery + ": " + Http.text(r));
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        return Http.json(r);
    }

    private static JsonNode error(String pathAndQuery, int status) {
        HttpResponse<byte[]> r = http.get(pathAndQuery);
        assertEquals(status, r.statusCode(), pathAndQuery + ": " + Http.text(r));
        JsonNode body = Http.json(r);
        assertTrue(body.path("error").isTextual(), Http.text(r));
        assertEquals(1, body.size(), Http.text(r));
        assertNoInternals(Http.text(r));
        return body;
    }

    static void assertNoInternals(String body) {
        for (String leak : List.of("Exception", "\tat ", "at dev.", "at java.", "at io.", "at org.", ".java:", "boom",
                "secret")) {
            assertFalse(body.contains(leak), "the body shows '" + leak + "': " + body);
        }
    }

    // --- search ---

    @Test
    void aTextSearchAnswersOnePageOfHitsWithTheirUrlsAndAsksTheIndexForOneMore() {
        JsonNode r = ok("/api/search?q=" + enc("long video second 6") + "&top=3");
        JsonNode hits = r.get("hits");
        assertEquals(3, hits.size());
        JsonNode first = hits.get(0);
        assertEquals("long0#m6", first.get("id").asText());
        assertEquals("long0", first.get("video_id").asText());
        assertEquals("long_000.mp4", first.get("file").asText());
        assertEquals(6.0, first.get("start").asDouble());
        assertEquals(10.0, first.get("end").asDouble());
        assertFalse(first.get("whole").asBoolean());
        assertEquals(1, first.get("rank").asInt());
        assertEquals("/api/entries/long0%23m6/thumbnail", first.get("thumbnail").asText());
        assertEquals("/api/videos/long0", first.get("video").asText());
        assertTrue(first.get("score").asDouble() > hits.get(1).get("score").asDouble());
        assertTrue(r.get("has_more").asBoolean());
        assertEquals("long video second 6", r.get("query").get("q").asText());

        SearchQuery asked = fake.queries.get(0);
        assertEquals("long video second 6", asked.text());
        assertNull(asked.likeEntry());
        assertEquals(4, asked.top());
        assertEquals(SearchQuery.Scope.ALL, asked.scope());
        assertNull(asked.pathPrefix());
        assertEquals(0.0, asked.minDurationSeconds());
    }

    @Test
    void pagesFollowOnFromEachOtherAndTheLastSaysSo() {
        List<String> all = new ArrayList<>();
        ok("/api/search?q=moment&top=100").get("hits").forEach(h -> all.add(h.get("id").asText()));
        int total = all.size();
        assertEquals(16, total, all.toString()); // 4 clips, long0 and its 9 moments, escape, gone: all entries
        List<String> paged = new ArrayList<>();
        for (int page = 1; ; page++) {
            JsonNode r = ok("/api/search?q=moment&top=4&page=" + page);
            assertEquals(page * 4 + 1, fake.queries.get(fake.queries.size() - 1).top());
            r.get("hits").forEach(h -> paged.add(h.get("id").asText()));
            assertEquals((page - 1) * 4 + 1, r.get("hits").get(0).get("rank").asInt());
            if (!r.get("has_more").asBoolean()) {
                assertEquals(4, page);
                break;
            }
        }
        assertEquals(all, paged);
        assertEquals(0, ok("/api/search?q=moment&top=10&page=5").get("hits").size());
    }

    @Test
    void scopePrefixAndMinimumDurationReachTheIndex() {
        String prefix = Fixtures.longVideo().getParent().toString();
        JsonNode r = ok("/api/search?q=moment&scope=MOMENTS&prefix=" + enc(prefix) + "&min_duration=3.5&top=50");
        SearchQuery asked = fake.queries.get(0);
        assertEquals(SearchQuery.Scope.MOMENTS, asked.scope());
        assertEquals(prefix, asked.pathPrefix());
        assertEquals(3.5, asked.minDurationSeconds());
        assertEquals(9, r.get("hits").size());
        r.get("hits").forEach(h -> assertFalse(h.get("whole").asBoolean()));
        assertEquals("moments", r.get("query").get("scope").asText());
        JsonNode videos = ok("/api/search?q=moment&scope=videos&top=50");
        assertEquals(SearchQuery.Scope.VIDEOS, fake.queries.get(1).scope());
        videos.get("hits").forEach(h -> assertTrue(h.get("whole").asBoolean()));
    }

    @Test
    void moreLikeAnEntryAsksTheIndexByItsId() {
        JsonNode r = ok("/api/search?like=" + enc("long0#m6") + "&top=2");
        assertEquals("long0#m6", fake.queries.get(0).likeEntry());
        assertNull(fake.queries.get(0).text());
        assertEquals(2, r.get("hits").size());
        assertTrue(error("/api/search?like=nothing-here", 404).get("error").asText().contains("nothing-here"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "q=                              | q",
            "q=%20%20                        | q",
            "top=5                           | q",
            "q=a&like=long0                  | q",
            "q=a&q=b                         | q",
            "q=a&top=0                       | top",
            "q=a&top=101                     | top",
            "q=a&top=ten                     | top",
            "q=a&page=0                      | page",
            "q=a&page=-1                     | page",
            "q=a&page=2.5                    | page",
            "q=a&top=100&page=11             | page",
            "q=a&scope=everything            | scope",
            "q=a&min_duration=-1             | min_duration",
            "q=a&min_duration=NaN            | min_duration",
            "q=a&min_duration=Infinity       | min_duration",
            "q=a&min_duration=long           | min_duration",
            "q=a&mindur=3                    | mindur",
            "like=                           | like",
    })
    void aBadParameterIs400NamingIt(String query, String parameter) {
        JsonNode body = error("/api/search?" + query, 400);
        assertTrue(body.get("error").asText().startsWith(parameter + ": "), query + " -> " + body);
        assertTrue(fake.queries.isEmpty(), "the index was asked for " + query);
    }

    @Test
    void tooLongTextsAreRefusedBeforeTheIndex() {
        String longest = "a".repeat(SearchQuery.MAX_TEXT_CHARS);
        ok("/api/search?q=" + longest + "&top=1");
        JsonNode body = error("/api/search?q=" + longest + "b", 400);
        assertTrue(body.get("error").asText().startsWith("q: 1001 characters; at most 1000"), body.toString());
        error("/api/search?q=a&prefix=" + "p".repeat(SearchServer.MAX_PREFIX_CHARS + 1), 400);
        // a request line past the server's limit is answered by Jetty itself, as JSON
        HttpResponse<byte[]> huge = http.get("/api/search?q=" + "%E2%82%AC".repeat(3000));
        assertEquals(414, huge.statusCode(), Http.text(huge));
        assertEquals("the request URI is too long", Http.json(huge).get("error").asText());
    }

    @Test
    void theIndexRefusingAQueryIs400WithItsMessageAndABugIs500WithoutDetails() {
        assertEquals("this index cannot answer 'refuse'", error("/api/search?q=refuse", 400).get("error").asText());
        JsonNode body = error("/api/search?q=explode", 500);
        assertEquals("internal error (the server's log has the details)", body.get("error").asText());
    }

    // --- entries, thumbnails, status ---

    @Test
    void anEntryHasItsMetadataAndUnknownIdsAre404() {
        JsonNode e = ok("/api/entries/long0%23m6");
        assertEquals("long0#m6", e.get("id").asText());
        assertEquals(Fixtures.longVideo().toString(), e.get("path").asText());
        assertEquals(20.0, e.get("duration").asDouble());
        assertEquals(longVideo.length, e.get("size").asLong());
        assertEquals("h-long0", e.get("hash").asText());
        assertTrue(error("/api/entries/nope", 404).get("error").asText().contains("nope"));
        error("/api/entries/long0%23m7", 404);
    }

    @Test
    void aThumbnailIsACacheableJpeg() throws Exception {
        HttpResponse<byte[]> r = http.get("/api/entries/long0%23m6/thumbnail");
        assertEquals(200, r.statusCode());
        assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElse(""));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertEquals(96, image.getWidth());
        assertTrue(r.headers().firstValue("Cache-Control").orElse("").contains("max-age="));
        String etag = r.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, http.get("/api/entries/long0%23m6/thumbnail", "If-None-Match", etag).statusCode());
        assertFalse(Arrays.equals(r.body(), http.get("/api/entries/long0%23m4/thumbnail").body()));
        error("/api/entries/nope/thumbnail", 404);
    }

    @Test
    void statusHasTheIndexCountsAndTheServersLoad() {
        JsonNode s = ok("/api/status");
        assertEquals("fake-model", s.get("model").asText());
        assertEquals(7, s.get("videos").asInt());
        assertEquals(9, s.get("moments").asInt());
        assertEquals("not a video", s.get("skipped").get(0).get("reason").asText());
        assertEquals(SearchServer.Options.DEFAULT_MAX_CONCURRENT, s.get("server").get("max_concurrent").asInt());
        assertEquals(0, s.get("server").get("running").asInt());
        assertEquals(SearchQuery.MAX_TEXT_CHARS, s.get("server").get("max_text_chars").asInt());
        assertTrue(error("/api/status?verbose=1", 400).get("error").asText().startsWith("verbose: "));
    }

    // --- videos and ranges ---

    private static HttpResponse<byte[]> range(String value) {
        return http.get("/api/videos/long0", "Range", value);
    }

    private static void assertPart(HttpResponse<byte[]> r, long first, long last) {
        int n = longVideo.length;
        assertEquals(206, r.statusCode(), Http.text(r));
        assertEquals("bytes " + first + "-" + last + "/" + n, r.headers().firstValue("Content-Range").orElse(""));
        assertEquals(String.valueOf(last - first + 1), r.headers().firstValue("Content-Length").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(longVideo, (int) first, (int) last + 1), r.body());
        assertEquals("video/mp4", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("bytes", r.headers().firstValue("Accept-Ranges").orElse(""));
    }

    @Test
    void aVideoIsServedWholeOrByRangesSoABrowserCanSeek() {
        int n = longVideo.length;
        assertTrue(n > 1000, n + " bytes");
        HttpResponse<byte[]> whole = http.get("/api/videos/long0");
        assertEquals(200, whole.statusCode());
        assertArrayEquals(longVideo, whole.body());
        assertEquals("bytes", whole.headers().firstValue("Accept-Ranges").orElse(""));
        assertEquals(String.valueOf(n), whole.headers().firstValue("Content-Length").orElse(""));
        assertEquals("video/mp4", whole.headers().firstValue("Content-Type").orElse(""));

        assertPart(range("bytes=0-99"), 0, 99);                       // the first bytes
        assertPart(range("bytes=500-899"), 500, 899);                 // the middle
        assertPart(range("bytes=-100"), n - 100, n - 1);              // the last 100
        assertPart(range("bytes=" + (n - 50) + "-"), n - 50, n - 1);  // open-ended
        assertPart(range("bytes=0-"), 0, n - 1);                      // what a browser asks first
        assertPart(range("bytes=10-" + (n + 5000)), 10, n - 1);       // past the end: cut at it
        assertPart(range("bytes=0-9, 20-29"), 0, 29);                 // several: served as one that covers them
        assertPart(range("bytes=" + n + "-, 5-6"), 5, 6);             // the satisfiable one of two

        for (String unsatisfiable : List.of("bytes=" + n + "-", "bytes=" + (n + 10) + "-" + (n + 20), "bytes=-0")) {
            HttpResponse<byte[]> r = range(unsatisfiable);
            assertEquals(416, r.statusCode(), unsatisfiable);
            assertEquals("bytes */" + n, r.headers().firstValue("Content-Range").orElse(""), unsatisfiable);
            assertTrue(Http.json(r).get("error").asText().startsWith("Range: "), Http.text(r));
        }
        for (String ignored : List.of("bytes=9-2", "bytes=a-b", "items=0-5", "bytes=--1")) {
            HttpResponse<byte[]> r = range(ignored);
            assertEquals(200, r.statusCode(), ignored);  // a header that does not parse is ignored (RFC 9110)
            assertEquals(n, r.body().length, ignored);
        }
        String etag = whole.headers().firstValue("ETag").orElseThrow();
        assertPart(http.get("/api/videos/long0", "Range", "bytes=0-9", "If-Range", etag), 0, 9);
        assertEquals(200, http.get("/api/videos/long0", "Range", "bytes=0-9", "If-Range", "\"old\"").statusCode());
        Http.Raw head = http.raw("HEAD", "/api/videos/long0", "127.0.0.1:" + server.port(), "Range: bytes=0-99");
        assertEquals(206, head.status());
        assertEquals("100", head.headers().get("content-length"));
        assertEquals(0, head.body().length);
    }

    @Test
    void unknownGoneOrEscapingVideosAre404AndNothingOutsideTheLibraryIsSent() {
        assertTrue(error("/api/videos/nope", 404).get("error").asText().contains("nope"));
        error("/api/videos/gone", 404);
        HttpResponse<byte[]> escape = http.get("/api/videos/escape");   // a symlink in the library leading out
        assertEquals(404, escape.statusCode());
        assertFalse(Http.text(escape).contains("not for the web"));
        assertEquals(List.of("nope", "gone", "escape"), fake.videoFileCalls);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/api/videos/../../etc/passwd",
            "/api/videos/..%2f..%2fetc%2fpasswd",
            "/api/videos/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/api/videos/%2E%2E/%2E%2E/etc/passwd",
            "/api/videos/.%2e/etc/passwd",
            "/api/videos/%2Fetc%2Fpasswd",
            "/api/videos//etc/passwd",
            "/api/videos/%5c..%5cetc%5cpasswd",
            "/api/videos/%252e%252e%252fetc%252fpasswd",
            "/api/videos/..;/..;/etc/passwd",
            "/api/videos/./long0",
            "/api/entries/..%2F..%2Fetc%2Fpasswd/thumbnail",
            "/api/../api/videos/long0",
    })
    void pathTraversalAttemptsAre404AndLoggedAndNeverReachTheIndex(String target) {
        Http.Raw r = http.raw(target);
        assertEquals(404, r.status(), target + ": " + r.text());
        assertEquals("{\"error\":\"not found\"}", r.text());
        assertEquals("nosniff", r.headers().get("x-content-type-options"));
        assertEquals(List.of(), fake.videoFileCalls, target);
        assertTrue(logged.stream().anyMatch(l -> l.getLevel() == java.util.logging.Level.WARNING),
                target + " was not logged");
        // the same through java.net.http, which sends the path as given
        HttpResponse<byte[]> viaClient = http.get(target);
        assertEquals(404, viaClient.statusCode(), target);
        assertEquals(List.of(), fake.videoFileCalls, target);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../../etc/passwd", "/%2e%2e/etc/passwd", "/api/videos/long0%00.mp4"})
    void targetsJettyCannotParseAre400AndLoggedAndNeverReachTheIndex(String target) {
        // a path that climbs above the root, or a NUL, is refused by Jetty's parser before any handler
        Http.Raw r = http.raw(target);
        assertTrue(r.status() == 400 || r.status() == 404, target + ": " + r.status() + " " + r.text());
        assertTrue(r.text().equals("{\"error\":\"bad request\"}") || r.text().equals("{\"error\":\"not found\"}"),
                r.text());
        assertEquals(List.of(), fake.videoFileCalls, target);
        assertTrue(logged.stream().anyMatch(l -> l.getLevel() == java.util.logging.Level.WARNING),
                target + " was not logged");
    }

    @Test
    void anAbsoluteFormTargetWithDotSegmentsIsRefusedToo() {
        Http.Raw r = http.raw("http://127.0.0.1:" + server.port() + "/api/videos/../../etc/passwd");
        assertEquals(404, r.status(), r.text());
        assertEquals(List.of(), fake.videoFileCalls);
    }

    @Test
    void aRequestForAnotherHostIsRefusedOnLoopback() {
        // a web page that rebinds its own name to 127.0.0.1 sends its own Host
        Http.Raw r = http.raw("GET", "/api/status", "evil.example:" + server.port());
        assertEquals(403, r.status());
        assertTrue(r.text().contains("localhost"), r.text());
        assertEquals(200, http.raw("GET", "/api/status", "localhost:" + server.port()).status());
        assertEquals(200, http.raw("GET", "/api/status", "LOCALHOST").status());
    }

    // --- the page, headers ---

    @Test
    void thePageAndItsFilesAreServedFromTheServerItself() {
        HttpResponse<byte[]> page = http.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String html = Http.text(page);
        assertTrue(html.contains("<video") && html.contains("/app.js") && html.contains("/style.css"), html);
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("//cdn"), html);
        for (String file : List.of("/app.js", "/style.css", "/favicon.svg")) {
            HttpResponse<byte[]> r = http.get(file);
            assertEquals(200, r.statusCode(), file);
            assertFalse(Http.text(r).contains("https://"), file);
        }
        assertTrue(error("/nothing/here", 404).get("error").asText().equals("not found"));
        assertEquals(404, http.get("/web/app.js").statusCode());
        assertEquals(404, http.get("/dev/vclip/server/web/app.js").statusCode());
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndNoWildcardCors() {
        List<HttpResponse<byte[]>> answers = List.of(http.get("/"), http.get("/api/status"),
                http.get("/api/search?q=a"), http.get("/api/search?q=a&top=0"), http.get("/api/entries/nope"),
                http.get("/api/search?q=explode"), http.get("/api/videos/long0", "Range", "bytes=0-1"),
                http.get("/api/videos/long0", "Range", "bytes=99999999-"),
                http.get("/api/status", "Origin", "http://evil.example"));
        for (HttpResponse<byte[]> r : answers) {
            String what = r.uri() + " " + r.statusCode();
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), what);
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), what + ": " + csp);
            assertFalse(csp.contains("*") || csp.contains("unsafe"), csp);
            assertTrue(r.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), what);
            assertTrue(r.headers().firstValue("Server").isEmpty(), what + " names the server");
            assertNotNull(r.headers().firstValue("Referrer-Policy").orElse(null), what);
        }
    }
}

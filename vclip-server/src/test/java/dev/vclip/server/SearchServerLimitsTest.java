package dev.vclip.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounds: searches at once and waiting, the search timeout, the token, where the server may listen. */
class SearchServerLimitsTest {

    static FakeLibrary fake;

    @BeforeAll
    static void library() {
        fake = Fixtures.fakeLibrary();
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void whenAllSearchSlotsAndTheQueueAreTakenTheNextSearchIs503AtOnce() throws Exception {
        FakeLibrary blocking = Fixtures.fakeLibrary();
        CountDownLatch gate = new CountDownLatch(1);
        blocking.gate = gate;
        SearchServer.Options options = SearchServer.Options.defaults().withPort(0).withMaxConcurrent(2).withQueue(1);
        try (SearchServer server = SearchServer.start(blocking, options)) {
            Http http = new Http(server.url());
            List<CompletableFuture<HttpResponse<byte[]>>> held = List.of(
                    CompletableFuture.supplyAsync(() -> http.get("/api/search?q=one")),
                    CompletableFuture.supplyAsync(() -> http.get("/api/search?q=two")),
                    CompletableFuture.supplyAsync(() -> http.get("/api/search?q=three")));
            await("two searches run and one waits", () -> blocking.running.get() == 2
                    && Http.json(http.get("/api/status")).get("server").get("waiting").asInt() == 1);
            long start = System.nanoTime();
            HttpResponse<byte[]> busy = http.get("/api/search?q=four");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, busy.statusCode(), Http.text(busy));
            assertTrue(ms < 2000, ms + " ms to say busy");
            assertEquals("1", busy.headers().firstValue("Retry-After").orElse(""));
            assertTrue(Http.json(busy).get("error").asText().startsWith("busy: 2 searches running and 1 waiting"), Http.text(busy));
            // what needs no model is still answered
            assertEquals(200, http.get("/api/entries/long0").statusCode());
            assertEquals(206, http.get("/api/videos/long0", "Range", "bytes=0-9").statusCode());
            gate.countDown();
            for (CompletableFuture<HttpResponse<byte[]>> f : held) {
                assertEquals(200, f.get(10, TimeUnit.SECONDS).statusCode());
            }
            assertEquals(200, http.get("/api/search?q=five").statusCode());
        } finally {
            gate.countDown();
        }
    }

    @Test
    void aSearchThatTakesLongerThanTheTimeoutIs503() throws Exception {
        FakeLibrary blocking = Fixtures.fakeLibrary();
        CountDownLatch gate = new CountDownLatch(1);
        blocking.gate = gate;
        SearchServer.Options options = SearchServer.Options.defaults().withPort(0)
                .withTimeout(Duration.ofMillis(300));
        try (SearchServer server = SearchServer.start(blocking, options)) {
            Http http = new Http(server.url());
            HttpResponse<byte[]> slow = http.get("/api/search?q=slow");
            assertEquals(503, slow.statusCode());
            assertEquals("the search took longer than 300 ms; try again in a moment",
                    Http.json(slow).get("error").asText());
            gate.countDown();
            await("the timed-out search gave its slot back", () -> blocking.running.get() == 0);
            assertEquals(200, http.get("/api/search?q=fast").statusCode());
        } finally {
            gate.countDown();
        }
    }

    @Test
    void withATokenEveryRequestMustCarryIt() {
        String token = "s3cret-Token_42";
        try (SearchServer server = SearchServer.start(fake,
                SearchServer.Options.defaults().withPort(0).withToken(token))) {
            Http http = new Http(server.url());
            for (String path : List.of("/", "/app.js", "/api/status", "/api/search?q=a", "/api/entries/long0",
                    "/api/entries/long0/thumbnail", "/api/videos/long0", "/no/such/route")) {
                HttpResponse<byte[]> none = http.get(path);
                assertEquals(401, none.statusCode(), path);
                assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
                assertFalse(Http.text(none).contains(token));
                assertEquals(401, http.get(path, "Authorization", "Bearer wrong-token-1").statusCode(), path);
                assertEquals(401, http.get(path, "Authorization", "Bearer " + token + "x").statusCode(), path);
                assertEquals(401, http.get(path, "Cookie", SearchServer.TOKEN_COOKIE + "=nope-nope").statusCode());
            }
            assertEquals(200, http.get("/api/status", "Authorization", "Bearer " + token).statusCode());
            assertEquals(200, http.get("/api/status", "Authorization", "bearer " + token).statusCode());
            assertEquals(200, http.get("/api/status?token=" + token).statusCode());
            assertEquals(206, http.get("/api/videos/long0?token=" + token, "Range", "bytes=0-1").statusCode());
            assertEquals(200, http.get("/api/entries/long0/thumbnail", "Cookie",
                    SearchServer.TOKEN_COOKIE + "=" + token).statusCode());
            // the page: the token goes into an HttpOnly cookie and out of the address
            HttpResponse<byte[]> open = http.get("/?token=" + token + "&q=long");
            assertEquals(303, open.statusCode());
            assertEquals("/?q=long", open.headers().firstValue("Location").orElse(""));
            String cookie = open.headers().firstValue("Set-Cookie").orElse("");
            assertTrue(cookie.startsWith(SearchServer.TOKEN_COOKIE + "=" + token + ";"), cookie);
            assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
            HttpResponse<byte[]> page = http.get("/", "Cookie", SearchServer.TOKEN_COOKIE + "=" + token);
            assertEquals(200, page.statusCode());
            JsonNode status = Http.json(http.get("/api/status", "Cookie", SearchServer.TOKEN_COOKIE + "=" + token));
            assertEquals("fake-model", status.get("model").asText());
        }
    }

    @Test
    void listeningBeyondLoopbackNeedsAToken() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SearchServer.start(fake, SearchServer.Options.defaults().withHost("0.0.0.0").withPort(0)));
        assertTrue(e.getMessage().contains("needs a token"), e.getMessage());
        assertTrue(SearchServer.isLoopback("localhost"));
        assertTrue(SearchServer.isLoopback("127.0.0.2"));
        assertTrue(SearchServer.isLoopback("::1"));
        assertFalse(SearchServer.isLoopback("0.0.0.0"));
        assertThrows(IllegalArgumentException.class, () -> SearchServer.Options.defaults().withToken("short"));
        assertThrows(IllegalArgumentException.class, () -> SearchServer.Options.defaults().withToken("has space1"));
        assertThrows(IllegalArgumentException.class, () -> SearchServer.Options.defaults().withPort(70000));
        assertFalse(SearchServer.Options.defaults().withToken("s3cret-Token_42").toString().contains("s3cret"));
    }

    @Test
    void aBusyPortIsAVclipExceptionNamingIt() {
        try (SearchServer first = SearchServer.start(fake, SearchServer.Options.defaults().withPort(0))) {
            dev.vclip.VclipException e = assertThrows(dev.vclip.VclipException.class, () -> SearchServer.start(fake,
                    SearchServer.Options.defaults().withPort(first.port())));
            assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + first.port()), e.getMessage());
        }
    }
}

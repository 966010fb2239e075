package dev.vclip.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which raw request paths pass the guard, and how ids are written into URLs. */
class RequestGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/app.js", "/api/search", "/api/entries/long0%23m6/thumbnail", "/api/videos/abc",
            "/api/videos/caf%C3%A9", "/api/entries/a%20b", "/api/entries/a.b..c", "/api/entries/...", "/api/status/"})
    void plainPathsPass(String path) {
        assertNull(RequestGuard.refusal(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/videos/../x", "/api/videos/..", "/..", "/./a", "/a/.", "/api/videos/%2e%2e/x",
            "/api/videos/%2E./x", "/api/videos/.%2e", "/api/videos/%2fetc", "/api/videos/%2Fetc%2Fpasswd",
            "/api/videos/%5cetc", "/api/videos//etc", "//etc/passwd", "/api/videos/a\\b", "/api/videos/%252e",
            "/api/videos/x;jsessionid=1", "/api/videos/..;/x", "/api/videos/%00", "/api/videos/%0a", "/api/videos/%",
            "/api/videos/%2", "/api/videos/%zz", "api/videos/x", "", "/api/videos/%3b"})
    void anythingElseIsRefused(String path) {
        assertNotNull(RequestGuard.refusal(path), path);
    }

    @Test
    void idsAreEncodedAsOnePathSegment() {
        assertEquals("long0%23m6", SearchServer.encodeSegment("long0#m6"));
        assertEquals("a%2Fb%20c%2B%25", SearchServer.encodeSegment("a/b c+%"));
        assertEquals("caf%C3%A9", SearchServer.encodeSegment("café"));
        assertEquals("..", SearchServer.encodeSegment("..")); // refused by the guard: such an id is unreachable
    }

    @Test
    void hostHeadersAreReadWithoutTheirPort() {
        assertEquals("localhost", RequestGuard.hostName("LocalHost:8080"));
        assertEquals("[::1]", RequestGuard.hostName("[::1]:8080"));
        assertEquals("127.0.0.1", RequestGuard.hostName("127.0.0.1"));
        assertNull(RequestGuard.hostName(" "));
        assertEquals(java.util.Set.of("localhost", "127.0.0.1", "[::1]", "::1"),
                RequestGuard.loopbackHosts("127.0.0.1"));
        assertEquals(true, RequestGuard.loopbackHosts("::1").contains("[::1]"));
    }

    @Test
    void fileNamesAndTypes() {
        assertEquals("a.mp4", SearchServer.fileName("/x/y/a.mp4"));
        assertEquals("a.mp4", SearchServer.fileName("/x/clips.tar!clips/a.mp4"));
        assertEquals("a.mp4", SearchServer.fileName("a.mp4"));
        assertEquals("video/mp4", SearchServer.videoType(java.nio.file.Path.of("A.MP4")));
        assertEquals("video/webm", SearchServer.videoType(java.nio.file.Path.of("a.webm")));
        assertEquals("application/octet-stream", SearchServer.videoType(java.nio.file.Path.of("a")));
    }
}

package dev.vclip.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vclip.TestResources;
import dev.vclip.data.synth.SynthConfig;
import dev.vclip.search.VideoIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server over a Lucene index made by {@code IndexRun} with the bundled model: search, thumbnail, video range. */
class RealIndexServerTest {

    @TempDir
    Path dir;

    @Test
    void aRealIndexIsSearchedAndItsVideosServedByRange() throws Exception {
        Path index = Fixtures.realIndex(dir, SynthConfig.of(SynthConfig.Size.SMALL).withClipsPerClass(1)
                .withClipFrames(24).withResolution(64, 64).withLongVideos(1, 20).withSeed(4));
        Path model = TestResources.repositoryModel("xclip-synth");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try (VideoIndex library = VideoIndex.open(index, model);
             SearchServer server = SearchServer.start(library, new SearchServer.Options("127.0.0.1", 0, null, 2, 8,
                     Duration.ofSeconds(30)))) {
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> search = http.send(HttpRequest.newBuilder(URI.create(base
                    + "/api/search?q=growing&top=3&scope=moments")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, search.statusCode(), search.body());
            JsonNode hits = new ObjectMapper().readTree(search.body()).path("hits");
            assertTrue(hits.size() >= 1, search.body());
            JsonNode hit = hits.get(0);
            assertTrue(hit.path("path").asText().endsWith("long_000.mp4"), "moments only come from the long video");

            HttpResponse<byte[]> thumb = http.send(HttpRequest.newBuilder(URI.create(base + hit.path("thumbnail")
                    .asText())).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, thumb.statusCode());
            assertEquals((byte) 0xFF, thumb.body()[0], "a JPEG");
            assertEquals((byte) 0xD8, thumb.body()[1]);

            byte[] file = Files.readAllBytes(Path.of(hit.path("path").asText()));
            HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(URI.create(base + hit.path("video").asText()))
                    .header("Range", "bytes=100-299").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, range.statusCode());
            assertArrayEquals(java.util.Arrays.copyOfRange(file, 100, 300), range.body());

            HttpResponse<String> traversal = http.send(HttpRequest.newBuilder(URI.create(base
                    + "/api/videos/..%2F..%2Fetc%2Fpasswd")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, traversal.statusCode());
        }
    }
}

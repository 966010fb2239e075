package dev.vclip.server;

import dev.vclip.TestResources;
import dev.vclip.data.Triplets;
import dev.vclip.data.synth.SynthConfig;
import dev.vclip.search.VideoIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web page in a real browser over a real library: synthetic clips and a long video indexed by {@code IndexRun}
 * with the bundled model, served by {@link SearchServer} over the Lucene index. A described event is searched for by
 * its text; the result cards show thumbnails the server cut from the videos; clicking the first moment plays the long
 * video from that moment's start.
 */
class RealIndexBrowserTest {

    @TempDir
    Path dir;

    @Test
    void searchingARealIndexAndClickingAMomentPlaysItFromItsStart() throws Exception {
        Path index = Fixtures.realIndex(dir, SynthConfig.of(SynthConfig.Size.SMALL).withClipsPerClass(1)
                .withClipFrames(24).withResolution(128, 128).withLongVideos(1, 30).withSeed(9));
        Path synth = dir.resolve("synth");
        Path model = TestResources.repositoryModel("xclip-synth");
        String event = Triplets.read(synth.resolve("localisation/triplets.csv")).queries().get(0).text();
        try (VideoIndex library = VideoIndex.open(index, model);
             SearchServer server = SearchServer.start(library, new SearchServer.Options("127.0.0.1", 0, null, 2, 8,
                     Duration.ofSeconds(30)));
             HeadlessChromium chromium = HeadlessChromium.start()) {
            var browser = chromium.driver;
            browser.get(server.url().toString());
            chromium.waiting().until(d -> d.findElement(By.id("status")).getText().contains("12 videos"));
            browser.findElement(By.id("q")).sendKeys(event, Keys.ENTER);
            chromium.waiting().until(d -> !d.findElements(By.cssSelector("#results .card")).isEmpty());
            chromium.waiting().until(d -> (Boolean) chromium.js("return [...document.querySelectorAll("
                    + "'#results .card img')].slice(0, 4).every(i => i.complete && i.naturalWidth > 0)"));

            WebElement moment = browser.findElements(By.cssSelector("#results .card")).stream()
                    .filter(c -> c.getText().contains("long_000.mp4")).findFirst()
                    .orElseThrow(() -> new AssertionError("no moment of the long video for '" + event + "'"));
            double start = Double.parseDouble(moment.getAttribute("data-start"));
            chromium.watchPlayer();
            moment.click();
            Map<String, Object> video = chromium.playerState();
            assertEquals(null, video.get("error"), "the video failed: " + video);
            assertTrue(String.valueOf(video.get("src")).contains("/api/videos/"), video.toString());
            double startedAt = HeadlessChromium.startedAt(video);
            assertTrue(Math.abs(startedAt - start) <= 0.5, "started at " + startedAt + ", the moment starts at " + start
                    + ": " + video);
            assertEquals(List.of(), chromium.severeLog(), "the page logged errors");
        }
    }
}

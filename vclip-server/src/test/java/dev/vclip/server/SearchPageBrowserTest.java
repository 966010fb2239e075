package dev.vclip.server;

import dev.vclip.search.SearchQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web page in a real browser ({@link HeadlessChromium}) over a scripted library whose answers are known: search,
 * see thumbnails, click a moment and the video plays from its start; "more like this"; paging back. The same page over
 * a real index: {@link RealIndexBrowserTest}.
 */
class SearchPageBrowserTest {
    static FakeLibrary fake;
    static SearchServer server;
    static HeadlessChromium chromium;
    static WebDriver browser;

    @BeforeAll
    static void start() {
        chromium = HeadlessChromium.start();
        browser = chromium.driver;
        fake = Fixtures.fakeLibrary();
        server = SearchServer.start(fake, SearchServer.Options.defaults().withPort(0));
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static Object js(String script, Object... args) {
        return chromium.js(script, args);
    }

    private static WebDriverWait waiting() {
        return chromium.waiting();
    }

    @Test
    void searchingShowsCardsAndClickingOnePlaysItsMomentFromItsStart() {
        chromium.clearLog(); // forget what earlier tests logged
        browser.get(server.url().toString());
        waiting().until(d -> d.findElement(By.id("status")).getText().contains("7 videos"));
        WebElement box = browser.findElement(By.id("q"));
        box.sendKeys("long video second 6", Keys.ENTER);

        waiting().until(d -> d.findElements(By.cssSelector("#results .card")).size() == 16);
        assertTrue(browser.getCurrentUrl().endsWith("/?q=long+video+second+6"), browser.getCurrentUrl());
        List<WebElement> cards = browser.findElements(By.cssSelector("#results .card"));
        WebElement first = cards.get(0);
        assertTrue(first.getText().contains("long_000.mp4"), first.getText());
        assertTrue(first.getText().contains("0:06–0:10"), first.getText());
        assertTrue(first.getText().contains("score 4."), first.getText());
        // the thumbnails in view have loaded (lazy loading leaves the rest for scrolling)
        waiting().until(d -> (Boolean) js("return [...document.querySelectorAll('#results .card img')].slice(0, 4)"
                + ".every(i => i.complete && i.naturalWidth > 0)"));
        assertEquals(96L, js("return document.querySelector('#results .card img').naturalWidth"));

        chromium.watchPlayer();
        first.click();
        Map<String, Object> video = chromium.playerState();
        assertEquals(null, video.get("error"), "the video failed: " + video);
        assertEquals(false, video.get("hidden"));
        assertTrue(String.valueOf(video.get("src")).contains("/api/videos/long0"), video.toString());
        double startedAt = HeadlessChromium.startedAt(video);
        assertTrue(Math.abs(startedAt - 6.0) <= 0.5, "started at " + startedAt + ": " + video);
        double now = ((Number) video.get("t")).doubleValue();
        assertTrue(now >= 5.5 && now < 10, "now at " + now + ": " + video);
        assertTrue(((Number) video.get("ready")).intValue() >= 2, "not ready: " + video);
        assertTrue(Boolean.FALSE.equals(video.get("paused")) || ((Number) video.get("ready")).intValue() >= 3,
                "neither playing nor ready to: " + video);
        assertTrue(fake.videoFileCalls.stream().allMatch("long0"::equals), fake.videoFileCalls.toString());

        // more like this: a query by the entry's id, and the page says so
        int asked = fake.queries.size();
        first.findElement(By.cssSelector("button.like")).click();
        waiting().until(d -> d.findElement(By.id("like-banner")).isDisplayed()
                && d.findElement(By.id("like-name")).getText().contains("long_000.mp4"));
        waiting().until(d -> fake.queries.size() > asked
                && d.findElements(By.cssSelector("#results .card")).size() == 15);
        SearchQuery like = fake.queries.get(fake.queries.size() - 1);
        assertEquals("long0#m6", like.likeEntry());
        assertTrue(browser.getCurrentUrl().contains("like=long0%23m6"), browser.getCurrentUrl());

        // back: the text search again
        browser.navigate().back();
        waiting().until(d -> d.findElements(By.cssSelector("#results .card")).size() == 16
                && !d.findElement(By.id("like-banner")).isDisplayed());
        assertEquals("long video second 6", browser.findElement(By.id("q")).getAttribute("value"));

        assertEquals(List.of(), chromium.severeLog(), "the page logged errors (a Content-Security-Policy violation "
                + "shows here)");
    }

    @Test
    void aBadQueryShowsTheServersMessage() {
        browser.get(server.url() + "?q=refuse");
        waiting().until(d -> d.findElement(By.id("message")).getText().contains("cannot answer 'refuse'"));
        assertTrue(browser.findElement(By.id("message")).getAttribute("class").contains("error"));
        assertEquals(0, browser.findElements(By.cssSelector("#results .card")).size());
    }
}

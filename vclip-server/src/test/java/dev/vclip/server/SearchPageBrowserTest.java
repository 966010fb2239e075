package dev.vclip.server;

import dev.vclip.search.SearchQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The web page in a real browser (Debian's chromium, headless, through chromedriver): search, see thumbnails, click a
 * moment and the video plays from its start; "more like this". Without chromium and chromedriver the test fails: they
 * are part of the test set-up ({@code .ci/run} installs them).
 */
class SearchPageBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    static FakeLibrary fake;
    static SearchServer server;
    static WebDriver browser;

    @BeforeAll
    static void start() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("the browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install -y chromium chromium-driver (.ci/run does it)");
        }
        fake = Fixtures.fakeLibrary();
        server = SearchServer.start(fake, SearchServer.Options.defaults().withPort(0));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI runs as root, where chromium's sandbox cannot start
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--mute-audio", "--window-size=1280,1000", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    @Test
    void searchingShowsCardsAndClickingOnePlaysItsMomentFromItsStart() {
        browser.manage().logs().get(LogType.BROWSER); // forget what earlier tests logged
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

        // remember where the video is when it starts playing or, if the browser refuses to play, when it is ready
        js("const v = document.getElementById('video');"
                + "window.__t = {};"
                + "v.addEventListener('playing', () => { window.__t.playing ??= v.currentTime; });"
                + "v.addEventListener('seeked', () => { window.__t.seeked ??= v.currentTime; });"
                + "v.addEventListener('canplay', () => { window.__t.canplay ??= v.currentTime; });");
        first.click();
        waiting().until(d -> (Boolean) js("const v = document.getElementById('video');"
                + "return v.error !== null || (window.__t.playing !== undefined || window.__t.canplay !== undefined)"));
        @SuppressWarnings("unchecked")
        Map<String, Object> video = (Map<String, Object>) js("const v = document.getElementById('video');"
                + "return {error: v.error && v.error.message, code: v.error && v.error.code, src: v.currentSrc,"
                + " t: v.currentTime, ready: v.readyState, paused: v.paused, at: window.__t,"
                + " hidden: document.getElementById('player').hidden}");
        assertEquals(null, video.get("error"), "the video failed: " + video);
        assertEquals(false, video.get("hidden"));
        assertTrue(String.valueOf(video.get("src")).contains("/api/videos/long0"), video.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> at = (Map<String, Object>) video.get("at");
        Object startedAt = at.containsKey("playing") ? at.get("playing") : at.get("canplay");
        assertTrue(Math.abs(((Number) startedAt).doubleValue() - 6.0) <= 0.5, "started at " + startedAt + ": " + video);
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

        List<LogEntry> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertEquals(List.of(), problems.stream().map(LogEntry::getMessage).toList(),
                "the page logged errors (a Content-Security-Policy violation shows here)");
    }

    @Test
    void aBadQueryShowsTheServersMessage() {
        browser.get(server.url() + "?q=refuse");
        waiting().until(d -> d.findElement(By.id("message")).getText().contains("cannot answer 'refuse'"));
        assertTrue(browser.findElement(By.id("message")).getAttribute("class").contains("error"));
        assertEquals(0, browser.findElements(By.cssSelector("#results .card")).size());
    }
}

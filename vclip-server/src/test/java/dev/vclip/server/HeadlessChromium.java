package dev.vclip.server;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
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
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's chromium, headless, driven through chromedriver, as the browser tests use it. Without chromium and
 * chromedriver a test fails: they are part of the test set-up ({@code .ci/run} installs them).
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final WebDriver driver;

    private HeadlessChromium(WebDriver driver) {
        this.driver = driver;
    }

    static HeadlessChromium start() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("the browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install -y chromium chromium-driver (.ci/run does it)");
        }
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
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return new HeadlessChromium(driver);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    WebDriverWait waiting() {
        return new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    /** Forgets what the page logged so far. */
    void clearLog() {
        driver.manage().logs().get(LogType.BROWSER);
    }

    /** The messages the page logged at SEVERE since the last call (a Content-Security-Policy violation shows here). */
    List<String> severeLog() {
        List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
        return entries.stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    /**
     * Installs listeners that remember where the player is when it starts playing or, if the browser refuses to play,
     * when it is ready; {@link #playerState()} reads them.
     */
    void watchPlayer() {
        js("const v = document.getElementById('video');"
                + "window.__t = {};"
                + "v.addEventListener('playing', () => { window.__t.playing ??= v.currentTime; });"
                + "v.addEventListener('seeked', () => { window.__t.seeked ??= v.currentTime; });"
                + "v.addEventListener('canplay', () => { window.__t.canplay ??= v.currentTime; });");
    }

    /** Waits until the player plays, can play or fails, and returns its state. */
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> playerState() {
        waiting().until(d -> (Boolean) js("const v = document.getElementById('video');"
                + "return v.error !== null || (window.__t.playing !== undefined || window.__t.canplay !== undefined)"));
        return (java.util.Map<String, Object>) js("const v = document.getElementById('video');"
                + "return {error: v.error && v.error.message, code: v.error && v.error.code, src: v.currentSrc,"
                + " t: v.currentTime, ready: v.readyState, paused: v.paused, at: window.__t,"
                + " hidden: document.getElementById('player').hidden}");
    }

    /** Where the player was when it started playing (or became ready to). */
    static double startedAt(java.util.Map<String, Object> state) {
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> at = (java.util.Map<String, Object>) state.get("at");
        return ((Number) (at.containsKey("playing") ? at.get("playing") : at.get("canplay"))).doubleValue();
    }

    @Override
    public void close() {
        driver.quit();
    }
}

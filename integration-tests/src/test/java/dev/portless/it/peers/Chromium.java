package dev.portless.it.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven through chromedriver (Debian's {@code chromium} and
 * {@code chromium-driver}, both paths set explicitly so Selenium Manager never downloads anything).
 * Installs the two packages when the tests run as root and they are missing. Each browser gets a
 * fresh profile, so no cookie survives from one test to the next.
 */
public final class Chromium implements AutoCloseable {
    private static final String BROWSER = "/usr/bin/chromium";
    private static final String DRIVER = "/usr/bin/chromedriver";
    /** System property or environment variable naming where page screenshots go, e.g. {@code docs/screenshots}. */
    public static final String SCREENSHOTS = "PORTLESS_SCREENSHOTS";

    private final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Returns a started headless browser that takes certificates whose public keys hash (SHA-256 of the
     * SubjectPublicKeyInfo, base64) to one of {@code trustedSpki} as valid: Chromium keeps Secure cookies
     * only for sites without certificate errors.
     */
    public static Chromium start(List<String> trustedSpki) {
        return start(trustedSpki, List.of());
    }

    /**
     * Returns a started headless browser as {@link #start(List)} does, with {@code extraArguments} added to
     * its command line (e.g. {@code --host-resolver-rules=MAP *.portless.test 127.0.0.1}, so app hostnames
     * reach the loopback edge).
     */
    public static Chromium start(List<String> trustedSpki, List<String> extraArguments) {
        ensureInstalled();
        Path profile = TempDirs.create("portless-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--window-size=1000,860",
                // The CLI's loopback callback is plain http on 127.0.0.1: no automatic upgrade to https.
                "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable",
                "--ignore-certificate-errors-spki-list=" + String.join(",", trustedSpki));
        options.addArguments(extraArguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(DRIVER).toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return new Chromium(driver, profile);
    }

    /** Returns the WebDriver. */
    public WebDriver driver() {
        return driver;
    }

    /**
     * Waits up to 30 s for {@code browser} to show the Portless page titled {@code title}
     * ({@code "<title> · Portless"}).
     *
     * @throws AssertionError naming the page the browser shows instead, with its source
     */
    public static void awaitTitle(WebDriver browser, String title) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.titleIs(title + " · Portless"));
        } catch (RuntimeException e) {
            throw new AssertionError(
                    "expected the page \"" + title + "\", got \"" + browser.getTitle() + "\" at "
                            + browser.getCurrentUrl() + ":\n" + browser.getPageSource(),
                    e);
        }
    }

    /**
     * Saves a PNG of the current page as {@code name}.png in the screenshot directory, when
     * {@value #SCREENSHOTS} names one (relative paths start at the repository root).
     */
    public void screenshot(String name) {
        Optional<Path> dir = screenshotDir();
        if (dir.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(dir.get());
            Files.write(dir.get().resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the screenshot " + name, e);
        }
    }

    static Optional<Path> screenshotDir() {
        String value = System.getProperty(SCREENSHOTS, System.getenv(SCREENSHOTS));
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Path path = Path.of(value);
        if (path.isAbsolute()) {
            return Optional.of(path);
        }
        return Optional.of(RepositoryRoot.get().resolve(path));
    }

    private static void ensureInstalled() {
        if (Peers.executable(BROWSER) && Peers.executable(DRIVER)) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
            Commands.run(List.of("apt-get", "update", "-q"), Duration.ofMinutes(10), env);
            Commands.run(
                    List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium", "chromium-driver"),
                    Duration.ofMinutes(15),
                    env);
        }
        Peers.require(
                "Chromium and chromedriver (Debian packages chromium, chromium-driver)",
                Peers.executable(BROWSER) && Peers.executable(DRIVER));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            TempDirs.delete(profile);
        }
    }
}

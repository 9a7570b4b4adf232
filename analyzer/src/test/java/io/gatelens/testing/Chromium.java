package io.gatelens.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Headless Chromium (Debian's chromium package) for the HTML report's tests: the DOM after the
 * page's scripts ran ({@code --dump-dom}), and screenshots. Every run has its own profile
 * directory, no network services (no component updates, sync or background fetches), and a time
 * limit. As root Chromium needs {@code --no-sandbox}.
 */
public final class Chromium {
    private static final long LIMIT_SECONDS = 120;
    private final Path binary;
    private final Path work;

    private Chromium(Path binary, Path work) {
        this.binary = binary;
        this.work = work;
    }

    /**
     * Chromium on the PATH. Missing, the test fails under CI (CI=true: .ci/run installs it) and
     * is skipped elsewhere.
     */
    public static Chromium require(Path work) {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) return new Chromium(p, work);
            }
        }
        if ("true".equals(System.getenv("CI"))) fail("CI=true but chromium is not installed");
        Assumptions.assumeTrue(false, "chromium not installed");
        return null;
    }

    /** The DOM of {@code page} (with {@code fragment} after '#', or none when null) once it has loaded. */
    public String dumpDom(Path page, String fragment) throws IOException, InterruptedException {
        String url = page.toAbsolutePath().toUri() + (fragment == null ? "" : "#" + fragment);
        return new String(run(List.of("--dump-dom", url)), StandardCharsets.UTF_8);
    }

    /** A PNG of the page's first {@code width} x {@code height} CSS pixels. */
    public void screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        // The time budget lets parts the page renders lazily (content-visibility) be drawn first.
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--virtual-time-budget=5000", "--run-all-compositor-stages-before-draw",
                "--hide-scrollbars", page.toAbsolutePath().toUri().toString()));
        if (!Files.exists(png)) fail("chromium wrote no screenshot " + png);
    }

    private byte[] run(List<String> what) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--disable-default-apps", "--no-first-run", "--no-default-browser-check",
                "--metrics-recording-only", "--mute-audio", "--user-data-dir=" + profile));
        cmd.addAll(what);
        Path err = work.resolve("chromium-stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        reader.start();
        if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail("chromium did not finish within " + LIMIT_SECONDS + " s: " + String.join(" ", cmd));
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        // Chromium leaves helper processes of the profile behind for a moment; none may outlive the test.
        p.descendants().forEach(ProcessHandle::destroy);
        if (p.exitValue() != 0) {
            fail("chromium exited " + p.exitValue() + ": " + Files.readString(err));
        }
        return out[0] == null ? new byte[0] : out[0];
    }
}

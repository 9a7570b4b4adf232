package io.gatelens.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code gatelens capture} and {@code gatelens interfaces} as a user meets them on lo: the errors
 * (one line each, exit 2), the stop conditions (count, duration, SIGTERM), rotation, and the files
 * tshark reads. The commands run in a child JVM where a signal or the process's own privileges
 * are part of the test. Needs root (CI runs as root; elsewhere these skip).
 */
@Timeout(120)
class LiveCaptureCliTest {
    record Proc(int code, String out, String err) {}

    @BeforeAll
    static void root() {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && "true".equals(System.getenv("CI"))) fail("live capture tests need root on CI");
        assumeTrue(root, "live capture needs root");
    }

    @Test
    void interfacesListsLoopbackAsTcpdumpDoes() {
        CliTest.Run r = CliTest.run("interfaces");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\d+\\.lo \\[Loopback, Up, Running\\]")), r.out());
        assertTrue(r.out().contains("127.0.0.1/8"), r.out());
        CliTest.Run j = CliTest.run("interfaces", "--format", "json");
        assertTrue(j.out().contains("\"name\":\"lo\"") && j.out().contains("\"loopback\":true"), j.out());
    }

    @Test
    void eachStartingErrorIsOneLineSayingWhatToDoWithExitCode2(@TempDir Path dir) throws Exception {
        Proc noLib = gatelens(List.of("-Dorg.pcap4j.core.pcapLibName=gatelens-no-such-pcap"), null,
                "capture", "-i", "lo", "--analyze", "-c", "1");
        assertOneLine(noLib, "apt-get install libpcap0.8");
        Proc iface = gatelens(List.of(), null, "capture", "-i", "gatelens-no-such-if0", "--analyze");
        assertOneLine(iface, "'gatelens interfaces' lists them");
        Proc filter = gatelens(List.of(), null, "capture", "-i", "lo", "-w", dir.resolve("x.pcapng").toString(),
                "tcp", "port");
        assertOneLine(filter, "the filter 'tcp port' does not compile: can't parse filter expression: syntax error");
        assertTrue(!Files.exists(dir.resolve("x.pcapng")), "no file for a capture that never started");
        Proc dirMissing = gatelens(List.of(), null, "capture", "-i", "lo", "-w", dir.resolve("no/such/x.pcapng").toString());
        assertOneLine(dirMissing, "does not exist");
        if (onPath("setpriv")) {
            // Root without CAP_NET_RAW (dropped from the bounding set) is what a user without it meets.
            Proc perm = gatelens(List.of(), List.of("setpriv", "--bounding-set", "-net_raw,-net_admin", "--inh-caps=-all"),
                    "capture", "-i", "lo", "--analyze");
            assertOneLine(perm, "setcap cap_net_raw");
        } else if ("true".equals(System.getenv("CI"))) {
            fail("setpriv (util-linux) is needed on CI");
        }
    }

    @Test
    void sigtermClosesTheFileAndPrintsTcpdumpsCountsAndTheAnalysis(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("live.pcapng");
        try (ServerSocket server = listen()) {
            List<String> cmd = command(List.of(), null, "capture", "-i", "lo", "-w", file.toString(), "--analyze",
                    "--format", "json", "-q", "tcp port " + server.getLocalPort());
            Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out").toFile())
                    .redirectError(dir.resolve("err").toFile()).start();
            waitForText(dir.resolve("err"), "capturing on lo");
            for (int i = 0; i < 3; i++) exchange(server, "request " + i);
            waitForFrames(file, 3 * 9); // 3 connections: handshake, data and answer, FINs and ACKs
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "gatelens did not stop on SIGTERM");
            String err = Files.readString(dir.resolve("err"));
            assertEquals(0, p.exitValue(), err);
            long captured = count(err, "packets captured");
            assertEquals(0, count(err, "packets dropped by kernel"), err);
            assertTrue(err.contains("packets dropped by interface"), err);
            assertEquals(captured, tsharkFrames(file), "tshark reads every captured packet");
            assertTrue(Files.readString(dir.resolve("out")).contains("{\"type\":\"summary\""), "the summary follows the stop");
        }
    }

    @Test
    void countAndDurationEndTheCaptureAndMinusCMinusWKeepARing(@TempDir Path dir) throws Exception {
        try (ServerSocket server = listen()) {
            Path ring = dir.resolve("ring.pcap");
            List<String> cmd = command(List.of(), null, "capture", "-i", "lo", "-w", ring.toString(), "-F", "pcap",
                    "-C", "1k", "-W", "3", "-c", "60", "tcp port " + server.getLocalPort());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
            waitForText(dir.resolve("log"), "capturing on lo");
            for (int i = 0; i < 20 && p.isAlive(); i++) exchange(server, "x".repeat(300));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "-c 60 ends the capture");
            String log = Files.readString(dir.resolve("log"));
            assertEquals(0, p.exitValue(), log);
            assertEquals(60, count(log, "packets captured"));
            List<String> names;
            try (Stream<Path> files = Files.list(dir)) {
                names = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("ring")).sorted().toList();
            }
            assertEquals(List.of("ring.pcap0", "ring.pcap1", "ring.pcap2"), names, "a ring of three -C files");
            long frames = 0;
            for (String n : names) {
                long f = tsharkFrames(dir.resolve(n));
                assertTrue(f > 0, n + " holds packets");
                frames += f;
            }
            assertTrue(frames < 60, "the ring overwrote its oldest file: " + frames);
        }
        long start = System.nanoTime();
        Path quiet = dir.resolve("quiet.pcapng");
        Proc d = gatelens(List.of(), null, "capture", "-i", "lo", "-a", "1", "-w", quiet.toString(), "tcp port 9");
        assertEquals(0, d.code(), d.err());
        assertTrue(System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(1), "ran its second");
        assertEquals(0, tsharkFrames(quiet), "an empty capture is still a valid file");
    }

    // ---- helpers ----

    private static void assertOneLine(Proc p, String says) {
        assertEquals(2, p.code(), p.err());
        List<String> lines = p.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line: " + p.err());
        assertTrue(lines.get(0).startsWith("gatelens: ") && lines.get(0).contains(says), lines.get(0));
    }

    private static List<String> command(List<String> jvm, List<String> prefix, String... args) {
        List<String> cmd = new ArrayList<>();
        if (prefix != null) cmd.addAll(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Proc gatelens(List<String> jvm, List<String> prefix, String... args) throws Exception {
        Process p = new ProcessBuilder(command(jvm, prefix, args)).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Proc(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private static long count(String err, String what) {
        return err.lines().filter(l -> l.endsWith(" " + what)).mapToLong(l -> Long.parseLong(l.substring(0, l.indexOf(' '))))
                .findFirst().orElseThrow(() -> new AssertionError("no '" + what + "' line in:\n" + err));
    }

    static long tsharkFrames(Path file) throws Exception {
        Process p = new ProcessBuilder("tshark", "-r", file.toString(), "-T", "fields", "-e", "frame.number")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "tshark could not read " + file);
        return out.lines().filter(l -> !l.isBlank()).count();
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, program))) return true;
        }
        return false;
    }

    private static void waitForText(Path file, String text) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(file) && Files.readString(file).contains(text))) {
            if (System.nanoTime() > end) fail("no '" + text + "' in " + (Files.exists(file) ? Files.readString(file) : "nothing"));
            Thread.sleep(50);
        }
    }

    /** The file is flushed at least once a second: wait until tshark sees the frames. */
    private static void waitForFrames(Path file, long frames) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (tsharkFrames(file) < frames) {
            if (System.nanoTime() > end) fail("the file never held " + frames + " frames while being written");
            Thread.sleep(200);
        }
    }

    private static ServerSocket listen() throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return s;
    }

    private static void exchange(ServerSocket server, String text) throws Exception {
        Thread answer = new Thread(() -> {
            try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                s.setSoTimeout(5_000);
                int n = in.read(new byte[4096]);
                out.write(("got " + n).getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        answer.start();
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            c.setSoTimeout(5_000);
            c.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            c.getInputStream().read(new byte[64]);
        }
        answer.join(10_000);
    }
}

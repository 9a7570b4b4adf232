package io.gatelens.capture.file;

import java.nio.file.Path;

/**
 * Run by {@link KilledWriterTest} in its own JVM, to be killed with SIGKILL while writing:
 * writes {@code flushed} packets, flushes, says so on stdout, then goes on writing packets at
 * about 20,000 a second on the real clocks, with a tick every 100, until killed (or, as a bound,
 * for 60 s or 1,000,000 packets).
 */
public final class KilledWriterChild {
    private KilledWriterChild() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        FileFormat format = FileFormat.valueOf(args[1]);
        boolean nanos = Boolean.parseBoolean(args[2]);
        int flushed = Integer.parseInt(args[3]);
        InterfaceInfo iface = new InterfaceInfo("lo", "", 1, 262144, "tcp", nanos);
        try (RotatingCaptureWriter w = new RotatingCaptureWriter(file, format, iface, Rotation.NONE,
                System::currentTimeMillis, System::nanoTime)) {
            int i = 0;
            for (; i < flushed; i++) {
                write(w, i);
            }
            w.flush();
            System.out.println("flushed " + i);
            System.out.flush();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (i < 1_000_000 && System.nanoTime() < deadline) {
                write(w, i++);
                if (i % 100 == 0) {
                    w.tick();
                    Thread.sleep(5);
                }
            }
        }
        System.out.println("finished without being killed");
    }

    private static void write(RotatingCaptureWriter w, int i) throws Exception {
        byte[] d = CaptureFileWriterTest.wire(i);
        w.write(CaptureFileWriterTest.time(i), d, 0, d.length, d.length);
    }
}

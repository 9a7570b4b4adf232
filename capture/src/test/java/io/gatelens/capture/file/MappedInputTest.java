package io.gatelens.capture.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class MappedInputTest {
    // The byte helpers are ReadAheadTest's: the two inputs are held to the same reading.
    private static byte[] random(int n) {
        return ReadAheadTest.random(n);
    }

    private static byte[] drain(InputStream in, int step) throws IOException {
        return ReadAheadTest.drain(in, step);
    }

    @Test
    void givesTheFileAcrossWindowBoundaries(@TempDir Path dir) throws IOException {
        int window = 4096;
        for (int size : new int[] {0, 1, 4095, 4096, 4097, 12287, 12288, 12289, 50_000}) {
            byte[] data = random(size);
            Path f = dir.resolve("f" + size);
            Files.write(f, data);
            for (int step : new int[] {1, 7, 4096, 10_000}) {
                try (MappedInput in = new MappedInput(f, window)) {
                    assertArrayEquals(data, drain(in, step), "size " + size + " step " + step);
                    assertEquals(-1, in.read(new byte[4], 0, 4), "stays at the end");
                }
            }
        }
    }

    @Test
    void marksResetsAndSkipsAcrossWindows(@TempDir Path dir) throws IOException {
        byte[] data = random(20_000);
        Path f = dir.resolve("f");
        Files.write(f, data);
        try (MappedInput in = new MappedInput(f, 4096)) {
            assertTrue(in.markSupported());
            in.mark(2);
            assertEquals(data[0] & 0xff, in.read());
            assertEquals(data[1] & 0xff, in.read());
            in.reset();
            byte[] first = new byte[5000];
            assertEquals(4096, in.read(first, 0, 5000), "a read stops at the window's end");
            assertEquals(10, in.skip(10));
            assertEquals(data[4106] & 0xff, in.read());
            in.mark(1);
            assertEquals(9000, in.skip(9000), "a skip into a later window");
            assertEquals(data[13_107] & 0xff, in.read());
            in.reset();
            assertEquals(data[4107] & 0xff, in.read(), "back across a window boundary");
            assertEquals(20_000 - 4108, in.skip(1 << 20), "a skip stops at the end");
            assertEquals(-1, in.read());
        }
    }

    /**
     * A file cut under the mapping ends the input where it was cut, or faults: the JVM raises an
     * InternalError at the access or a little later (the pass turns it into damage, see
     * CapturePassCutTest in the analyzer). Either way no byte past the cut is taken for data.
     */
    @Test
    void aFileCutWhileReadEndsTheInputOrFaults(@TempDir Path dir) throws IOException {
        byte[] data = random(64 * 4096);
        Path f = dir.resolve("cut");
        Files.write(f, data);
        try (MappedInput in = new MappedInput(f, 32 * 4096)) {
            byte[] head = new byte[4096];
            assertEquals(4096, in.read(head, 0, 4096));
            assertArrayEquals(Arrays.copyOf(data, 4096), head);
            try (FileChannel w = FileChannel.open(f, StandardOpenOption.WRITE)) {
                w.truncate(8 * 4096);
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                int r;
                while ((r = in.read(buf, 0, buf.length)) >= 0) got.write(buf, 0, r);
            } catch (InternalError fault) {
                assertTrue(fault.getMessage().contains("unsafe memory access"), fault.getMessage());
            }
            byte[] rest = got.toByteArray();
            assertTrue(rest.length < data.length - 4096, "the input ended early: " + rest.length);
            int before = Math.min(rest.length, 7 * 4096);
            assertArrayEquals(Arrays.copyOfRange(data, 4096, 4096 + before), Arrays.copyOf(rest, before),
                    "the bytes before the cut are the file's");
        }
    }

    @Test
    void largeFilesAreMappedAndSmallOnesReadPlainly(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big");
        Files.write(big, new byte[(int) CaptureFiles.READ_AHEAD_FROM]);
        Path small = dir.resolve("small");
        Files.write(small, new byte[100]);
        try (InputStream in = CaptureFiles.input(big)) {
            assertInstanceOf(MappedInput.class, in);
        }
        try (InputStream in = CaptureFiles.input(small)) {
            assertFalse(in instanceof MappedInput);
        }
    }

    /** Every real recorded capture reads the same mapped (in small windows) as plainly. */
    @Test
    void realCapturesReadTheSameMapped() throws IOException {
        java.util.List<Path> files = KaitaiOracleTest.realCaptures();
        assertFalse(files.isEmpty(), "the recorded captures are found");
        for (Path f : files) {
            if (!f.toString().endsWith(".pcap") && !f.toString().endsWith(".pcapng")) continue;
            long[] plain = ReadAheadTest.digest(CaptureFiles.open(Files.newInputStream(f), "plain"));
            long[] mapped = ReadAheadTest.digest(CaptureFiles.open(new MappedInput(f, 4096), "mapped"));
            assertArrayEquals(plain, mapped, f.toString());
        }
    }
}

package io.gatelens.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The real captures the fixtures harness recorded, as the analyzer's tests find them. */
public final class RecordedCaptures {
    /** {@code fixtures/captures}, from the analyzer module (Maven runs tests there). */
    public static final Path DIR = Path.of("..", "fixtures", "captures");

    private RecordedCaptures() {}

    /** The scenario directories that have an {@code expected.json}, by name, sorted. */
    public static List<String> scenarios() {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> Files.exists(p.resolve("expected.json")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every recorded capture file ({@code capture.pcap} or {@code capture.pcapng}), by directory. */
    public static List<Path> files() {
        try (Stream<Path> dirs = Files.list(DIR)) {
            return dirs.sorted().flatMap(d -> Stream.of("capture.pcap", "capture.pcapng").map(d::resolve))
                    .filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

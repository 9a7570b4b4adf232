package io.gatelens.capture.file;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FileNamePatternTest {
    static final String ALL = "cap-%Y|%y|%m|%d|%e|%H|%M|%S|%j|%s|%F|%T|%%.pcap";

    @Test
    void everyConversion() {
        long t = Instant.parse("2024-02-29T03:04:05.678Z").toEpochMilli();
        assertEquals("cap-2024|24|02|29|29|03|04|05|060|1709175845|2024-02-29|03:04:05|%.pcap",
                new FileNamePattern(ALL).format(t, ZoneOffset.UTC));
        long jan = Instant.parse("2009-01-05T23:59:59Z").toEpochMilli();
        assertEquals("cap-2009|09|01|05| 5|23|59|59|005|1231199999|2009-01-05|23:59:59|%.pcap",
                new FileNamePattern(ALL).format(jan, ZoneOffset.UTC));
        assertEquals("plain", new FileNamePattern("plain").format(t, ZoneOffset.UTC));
        assertEquals("100%", new FileNamePattern("100%%").format(t, ZoneOffset.UTC));
    }

    /** GNU date's strftime is the reference: same instants, same zones, same text. */
    @Test
    void agreesWithDate() throws Exception {
        assumeTrue(run(List.of("date", "--version"), Map.of()).startsWith("date (GNU coreutils)"),
                "GNU date not here");
        List<String> instants = List.of("1970-01-01T00:00:00Z", "2000-12-31T23:59:59Z", "2024-02-29T12:00:00Z",
                "2024-03-31T00:59:59Z", "2024-10-27T01:30:00Z", "2038-01-19T03:14:08Z");
        for (String zone : List.of("UTC", "Europe/Paris", "Asia/Kolkata", "America/St_Johns")) {
            for (String instant : instants) {
                long millis = Instant.parse(instant).toEpochMilli();
                String expected = run(List.of("date", "-d", "@" + millis / 1000, "+" + ALL), Map.of("TZ", zone)).strip();
                assertEquals(expected, new FileNamePattern(ALL).format(millis, ZoneId.of(zone)), instant + " in " + zone);
            }
        }
    }

    @Test
    void unsupportedConversionsFailWithTheList() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FileNamePattern("a-%Z"));
        assertTrue(e.getMessage().contains("%Z") && e.getMessage().contains(FileNamePattern.SUPPORTED), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FileNamePattern("a-%"));
        assertThrows(IllegalArgumentException.class, () -> new FileNamePattern("%%%"));
    }

    private static String run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }
}

package io.gatelens.report;

import com.fasterxml.jackson.core.JsonGenerator;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** JSON Lines written as bytes (standard output) and as chars (any writer) are the same text. */
class JsonTest {
    /** Like the command line's standard output: a writer whose stream takes the JSON bytes. */
    private static final class BytesWriter extends PrintWriter implements ByteOutput {
        final OutputStream stream;
        int asked;

        BytesWriter(OutputStream stream) {
            super(new OutputStreamWriter(stream, StandardCharsets.UTF_8), false);
            this.stream = stream;
        }

        @Override
        public OutputStream bytes() {
            asked++;
            flush();
            return stream;
        }
    }

    /** Captured strings at their worst: quotes, backslashes, control bytes, NUL, Latin-1 and beyond. */
    private static final String[] NASTY = {
        "GET /a\"b\\c", "\u0000\u0001\u001f\u007f", "caf\u00e9 \u00ff", "line\r\nbreak\ttab", "\u20ac \u4e2d",
        "</script><script>alert(1)</script>", "",
    };

    private static void rows(PrintWriter out) {
        // Text first, as a report's heading would be, then rows, then text after the close.
        out.print("before\n");
        try (JsonRows rows = new JsonRows(out)) {
            for (int i = 0; i < NASTY.length; i++) {
                int n = i;
                rows.row(g -> {
                    g.writeStringField("s", NASTY[n]);
                    g.writeNumberField("n", n);
                    g.writeNullField("none");
                    g.writeFieldName("ms");
                    g.writeNumber(Times.millisText(1_234_567L * n));
                });
            }
        }
        out.print("after\n");
        out.flush();
    }

    @Test
    void bytesAndCharsGiveTheSameLines() throws IOException {
        StringWriter chars = new StringWriter();
        rows(new PrintWriter(chars));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BytesWriter direct = new BytesWriter(bytes);
        rows(direct);
        assertEquals(1, direct.asked, "the JSON went to the stream");
        assertEquals(chars.toString(), bytes.toString(StandardCharsets.UTF_8));
        String[] lines = chars.toString().split("\n");
        assertEquals("before", lines[0]);
        assertEquals(NASTY.length + 2, lines.length, "one line per row, each control char escaped");
        assertEquals("after", lines[lines.length - 1]);
        assertTrue(lines[2].contains("\\u0000"), lines[2]);
    }

    @Test
    void aGeneratorOnAPlainWriterWritesChars() throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = Json.lines(w)) {
            g.writeStartObject();
            g.writeStringField("k", "v\u00e9");
            g.writeEndObject();
        }
        assertEquals("{\"k\":\"v\u00e9\"}", w.toString());
    }
}

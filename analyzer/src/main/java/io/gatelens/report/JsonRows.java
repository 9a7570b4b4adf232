package io.gatelens.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** The JSON Lines writer the row reports share: one object per row, one generator for all. */
final class JsonRows implements AutoCloseable {
    /** A row's fields, written into the open object. */
    @FunctionalInterface
    interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private final PrintWriter out;
    private final JsonGenerator g;
    private boolean any;

    JsonRows(PrintWriter out) {
        this.out = out;
        this.g = Json.lines(out);
    }

    void row(Fields fields) {
        try {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
            any = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Milliseconds, or null for a time that was not seen (negative). */
    static void millis(JsonGenerator g, String name, long nanos) throws IOException {
        g.writeFieldName(name);
        millisValue(g, nanos);
    }

    /** As {@link #millis(JsonGenerator, String, long)}, with the name encoded once. */
    static void millis(JsonGenerator g, SerializableString name, long nanos) throws IOException {
        g.writeFieldName(name);
        millisValue(g, nanos);
    }

    private static void millisValue(JsonGenerator g, long nanos) throws IOException {
        // The text millis() would print, written as the number it is.
        if (nanos < 0) g.writeNull();
        else g.writeNumber(Times.millisText(nanos));
    }

    /** A frame number, or null for one that was not seen (negative). */
    static void frame(JsonGenerator g, String name, long frame) throws IOException {
        g.writeFieldName(name);
        frameValue(g, frame);
    }

    /** As {@link #frame(JsonGenerator, String, long)}, with the name encoded once. */
    static void frame(JsonGenerator g, SerializableString name, long frame) throws IOException {
        g.writeFieldName(name);
        frameValue(g, frame);
    }

    private static void frameValue(JsonGenerator g, long frame) throws IOException {
        if (frame < 0) g.writeNull();
        else g.writeNumber(frame);
    }

    @Override
    public void close() {
        try {
            g.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (any) out.println();
        out.flush();
    }
}

package io.gatelens.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/** JSON Lines through jackson-core's streaming generator: one object per line, no trees. */
public final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private Json() {}

    /** A generator over {@code out} that leaves it open and separates root objects by newlines. */
    public static JsonGenerator lines(Writer out) {
        try {
            JsonGenerator g = FACTORY.createGenerator(out);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

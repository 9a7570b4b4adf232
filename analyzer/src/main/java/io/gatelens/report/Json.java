package io.gatelens.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/** JSON Lines through jackson-core's streaming generator: one object per line, no trees. */
public final class Json {
    // Plain decimals: 0.000000000 rather than 0E-9, which some JSON readers choke on.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    private Json() {}

    /**
     * A generator over {@code out} that leaves it open and separates root objects by newlines.
     * When {@code out} is a {@link ByteOutput}, the generator writes UTF-8 bytes to the stream
     * under it: write nothing else through {@code out} until the generator is closed.
     */
    public static JsonGenerator lines(Writer out) {
        try {
            JsonGenerator g = out instanceof ByteOutput b ? FACTORY.createGenerator(b.bytes(), JsonEncoding.UTF8)
                    : FACTORY.createGenerator(out);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.gatelens.http;

/**
 * What one HTTP parser will hold. A message over a limit is reported (HTTP_HEADER_TOO_LARGE) and
 * parsing resynchronises at the next message start; the parser never buffers past these.
 *
 * <p>The parser watches traffic that real peers already accepted, so its limits sit above the
 * common server defaults rather than at them: nginx's large_client_header_buffers (4 x 8 KiB),
 * Apache's LimitRequestLine / LimitRequestFieldSize (8190) and LimitRequestFields (100), HAProxy's
 * tune.bufsize (16 KiB), Node's 16 KiB. 64 KiB for the whole header section (start line included)
 * leaves room for a 16 KiB upstream head like the header-too-big fixture while keeping two parsers
 * per connection cheap.
 *
 * @param maxHeaderSectionBytes bytes from the start line's first byte through the empty line
 *                              ending the head, line endings included; also the bound for a
 *                              chunked trailer section and for bytes held while an upgrade is undecided
 * @param maxHeaderCount        field lines per header section (folded continuations not counted)
 * @param maxStartLineBytes     request or status line, without its line ending; also bounds a
 *                              chunk-size line
 */
public record HttpLimits(int maxHeaderSectionBytes, int maxHeaderCount, int maxStartLineBytes) {
    public static final HttpLimits DEFAULT = new HttpLimits(64 * 1024, 1000, 16 * 1024);

    public HttpLimits {
        if (maxHeaderSectionBytes < 16 || maxHeaderCount < 1 || maxStartLineBytes < 16) {
            throw new IllegalArgumentException("HTTP limits too small: " + maxHeaderSectionBytes + ", "
                    + maxHeaderCount + ", " + maxStartLineBytes);
        }
    }
}

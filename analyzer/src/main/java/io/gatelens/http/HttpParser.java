package io.gatelens.http;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.tcp.Direction;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Incremental HTTP/1.x parser for one direction of one connection: requests (client to server) or
 * responses. Takes bytes in whatever chunks they come and reports heads, message ends and
 * anomalies; every split of the same bytes gives the same reports (frames aside, which follow the
 * chunks). Heads are parsed a byte at a time into one line buffer bounded by {@link HttpLimits};
 * bodies are counted, never kept.
 *
 * <p>Malformed input is reported and parsing resynchronises at the next line that starts like a
 * message (a known method and a space, or "HTTP/1."), as Zeek does. TLS records, the HTTP/2
 * preface or other junk at the very start of the stream mark the direction as not HTTP; its
 * bytes are then only counted.
 */
public final class HttpParser {
    public enum Mode { REQUEST, RESPONSE }

    /** Tells a response parser what the request it is answering was, so it knows the framing. */
    @FunctionalInterface
    public interface MethodSource {
        /** Method of the oldest request still waiting for its final response, or null if none is known. */
        String methodOfNextResponse();
    }

    private enum State {
        /** Between messages: CR and LF are skipped (RFC 9112 section 2.2). */
        IDLE,
        START_LINE, HEADER_LINE,
        BODY_LENGTH, BODY_UNTIL_CLOSE,
        CHUNK_SIZE, CHUNK_EXT, CHUNK_DATA, CHUNK_DATA_CR, CHUNK_DATA_LF, TRAILER_LINE,
        /** After a CONNECT or Upgrade request: held until the response says which protocol follows. */
        HOLD,
        /** Looking for the next line that starts a message. */
        RESYNC,
        PASSTHROUGH,
        NOT_HTTP,
        ENDED
    }

    private static final byte CR = '\r', LF = '\n', SP = ' ', HTAB = '\t';
    /**
     * Header names met before, shared by every parser on this thread (a parser is fed on the
     * thread that made it): one cache per pass rather than one per connection, which was a
     * kilobyte per connection kept until it ended.
     */
    private static final ThreadLocal<KnownNames> KNOWN = ThreadLocal.withInitial(KnownNames::new);
    private final String[] knownNames;
    /** The bytes of each known name, compared as bytes: String.charAt per byte cost more than the parse. */
    private final byte[][] knownBytes;

    private static final class KnownNames {
        final String[] names = SEEDED_NAMES.clone();
        final byte[][] bytes = SEEDED_BYTES.clone();
    }
    private boolean nameIsToken;
    private static final byte[] HTTP1 = "HTTP/1.".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP_SLASH = "HTTP/".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] METHODS = ascii("GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "CONNECT ",
            "OPTIONS ", "TRACE ", "PATCH ");
    private static final String H2_PREFACE_LINE = "PRI * HTTP/2.0";
    private static final int PROBE_MAX = 8;
    private static final int DETAIL_MAX = 48;

    private final Mode mode;
    private final long connection;
    private final Direction direction;
    private final HttpLimits limits;
    private final HttpListener listener;
    private final MethodSource methods;

    private State state = State.IDLE;
    /** Stream offset of the byte being looked at (or next to come). */
    private long pos;
    private long frame;
    private long nanos;
    /** Stream offset of the first byte of the chunk being parsed; MAX_VALUE outside data(). */
    private long chunkStart = Long.MAX_VALUE;
    /** Nothing but CR/LF has come yet and no gap: junk here means the stream is not HTTP at all. */
    private boolean virgin = true;

    // --- the line being read (start line, field line, trailer line)
    private byte[] line = new byte[256];
    private int lineLen;
    /** Index of the first SP in the line, or -1: spares a scan of the line for every byte. */
    private int lineFirstSp = -1;
    private boolean pendingCr;
    private boolean lineStarted;
    private long lineOffset;
    private long lineFrame;
    private long lineNanos;

    // --- the message being read
    private long msgOffset;
    private long msgFrame;
    private long msgNanos;
    private long lastFrame;
    private long lastNanos;
    private int sectionBytes;
    private int fieldCount;
    private boolean sawNul;
    private boolean sawBareLf;
    private boolean sawBareCr;
    private Headers fields;
    private String pendingName;
    private String method;
    private String target;
    private String version;
    private int status;
    private String reason;
    private long clOffset;
    private long clFrame;
    private long clNanos;
    private long teOffset;
    private long teFrame;
    private long teNanos;
    private long remaining;
    private long bodyBytes;
    private boolean cutByGap;
    private boolean closeAfter;
    private boolean closeAnnounced;
    private boolean holdAfterMessage;
    private boolean passthroughAfterMessage;
    private Headers trailers;

    // --- chunk-size line
    private long chunkSize;
    private int chunkDigits;
    private String requestMethod;
    private int chunkLineLen;
    private final byte[] chunkSeen = new byte[20];

    // --- resync
    private final byte[] probe = new byte[PROBE_MAX];
    private int probeLen;
    private boolean probing;
    private long probeOffset;
    private long probeFrame;
    private long probeNanos;
    private long skipped;

    // --- hold (bytes after an upgrade request, until its response)
    private byte[] held;
    private int heldLen;
    private long heldStart;
    private int[] markAt;
    private long[] markFrame;
    private long[] markNanos;
    private int marks;

    // --- counters
    private long ignoredBytes;
    private long passthroughBytes;

    public HttpParser(Mode mode, long connection, Direction direction, HttpLimits limits,
                      HttpListener listener, MethodSource methods) {
        this.mode = mode;
        this.connection = connection;
        this.direction = direction;
        this.limits = limits;
        this.listener = listener;
        this.methods = methods != null ? methods : () -> null;
        KnownNames known = KNOWN.get();
        this.knownNames = known.names;
        this.knownBytes = known.bytes;
    }

    public Mode mode() { return mode; }

    /** Bytes neither parsed nor handed on: not HTTP, skipped while resynchronising, or after the end. */
    public long ignoredBytes() { return ignoredBytes; }

    /** Bytes handed on after a protocol switch. */
    public long passthroughBytes() { return passthroughBytes; }

    /** A message's bytes have begun and its end has not been reported or abandoned. */
    public boolean inMessage() {
        switch (state) {
            case START_LINE: case HEADER_LINE: case BODY_LENGTH: case BODY_UNTIL_CLOSE: case CHUNK_SIZE:
            case CHUNK_EXT: case CHUNK_DATA: case CHUNK_DATA_CR: case CHUNK_DATA_LF: case TRAILER_LINE:
                return true;
            default:
                return false;
        }
    }

    /** Waiting for the response to a CONNECT or Upgrade request before parsing further. */
    public boolean holding() { return state == State.HOLD; }

    public boolean passingThrough() { return state == State.PASSTHROUGH; }

    /** The direction was judged not HTTP (TLS, HTTP/2, junk) and is only counted. */
    public boolean notHttp() { return state == State.NOT_HTTP; }

    public boolean ended() { return state == State.ENDED; }

    // ------------------------------------------------------------------ input

    public void data(byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
        if (len <= 0) return;
        if (state == State.ENDED) {
            ignoredBytes += len;
            return;
        }
        if (streamOffset > pos) {
            // The caller skipped a gap call; treat the hole as one.
            gap(pos, streamOffset - pos, frame, nanos);
        } else if (streamOffset < pos) {
            long overlap = pos - streamOffset;
            if (overlap >= len) return;
            off += (int) overlap;
            len -= (int) overlap;
        }
        this.frame = frame;
        this.nanos = nanos;
        chunkStart = pos;
        int i = off;
        int end = off + len;
        while (i < end && state != State.ENDED) {
            int n;
            switch (state) {
                case BODY_LENGTH: n = bodyLength(end - i); break;
                case CHUNK_DATA: n = chunkData(end - i); break;
                case BODY_UNTIL_CLOSE:
                    n = end - i;
                    bodyBytes += n;
                    break;
                case HOLD: n = hold(buf, i, end - i); break;
                case PASSTHROUGH:
                    n = end - i;
                    passthroughBytes += n;
                    listener.passthrough(buf, i, n, pos, frame, nanos);
                    break;
                case NOT_HTTP:
                    n = end - i;
                    ignoredBytes += n;
                    break;
                case START_LINE: case HEADER_LINE: case TRAILER_LINE:
                    n = lineRun(buf, i, end);
                    if (n > 0) break;
                    step(buf[i]);
                    n = 1;
                    break;
                default:
                    step(buf[i]);
                    n = 1;
                    break;
            }
            i += n;
            pos += n;
        }
        if (inMessage()) {
            lastFrame = frame;
            lastNanos = nanos;
        }
        chunkStart = Long.MAX_VALUE;
    }

    public void gap(long streamOffset, long length, long frame, long nanos) {
        if (state == State.ENDED || length <= 0) return;
        long gapEnd = streamOffset + length;
        if (gapEnd <= pos) return;
        if (streamOffset < pos) {
            streamOffset = pos;
            length = gapEnd - pos;
        }
        if (streamOffset > pos) {
            // Bytes between were neither delivered nor declared missing: count them in the gap.
            length += streamOffset - pos;
            streamOffset = pos;
        }
        this.frame = frame;
        this.nanos = nanos;
        virgin = false;
        switch (state) {
            case IDLE:
                resync(0, true);
                break;
            case START_LINE: case HEADER_LINE:
                report(AnomalyCode.HTTP_CUT_BY_GAP, pos, frame, nanos, "gap of " + length + " bytes in the head");
                resync(pos - msgOffset, true);
                break;
            case CHUNK_SIZE: case CHUNK_EXT: case CHUNK_DATA_CR: case CHUNK_DATA_LF: case TRAILER_LINE:
                report(AnomalyCode.HTTP_CUT_BY_GAP, pos, frame, nanos, "gap of " + length + " bytes in chunked framing");
                cutByGap = true;
                finishMessage(MessageEnd.How.CUT_BY_GAP, null, pos);
                resync(0, true);
                break;
            case CHUNK_DATA:
                report(AnomalyCode.HTTP_CUT_BY_GAP, pos, frame, nanos, "gap of " + length + " bytes in chunk data");
                cutByGap = true;
                if (length <= remaining) {
                    remaining -= length;
                    if (remaining == 0) state = State.CHUNK_DATA_CR;
                } else {
                    // The CRLF and the next chunk-size line fell in the gap too.
                    finishMessage(MessageEnd.How.CUT_BY_GAP, null, pos);
                    resync(0, true);
                }
                break;
            case BODY_LENGTH:
                report(AnomalyCode.HTTP_CUT_BY_GAP, pos, frame, nanos, "gap of " + length + " bytes in the body");
                cutByGap = true;
                if (length < remaining) {
                    remaining -= length;
                } else {
                    long bodyEnd = pos + remaining;
                    remaining = 0;
                    finishMessage(MessageEnd.How.COMPLETE, null, bodyEnd);
                    pos = bodyEnd;
                    if (gapEnd > bodyEnd) gap(bodyEnd, gapEnd - bodyEnd, frame, nanos);
                    return;
                }
                break;
            case BODY_UNTIL_CLOSE:
                report(AnomalyCode.HTTP_CUT_BY_GAP, pos, frame, nanos, "gap of " + length + " bytes in the body");
                cutByGap = true;
                break;
            case HOLD:
                resumeHttp();
                gap(streamOffset, length, frame, nanos);
                return;
            case RESYNC:
                skipped += probeLen;
                break;
            case PASSTHROUGH:
                listener.passthroughGap(pos, length, frame, nanos);
                break;
            case NOT_HTTP:
                break;
            default:
                break;
        }
        pos = gapEnd;
        if (state == State.RESYNC) {
            // The byte after a gap may well begin a message.
            probing = true;
            probeLen = 0;
        }
    }

    /** No more bytes will come this way. Judges what was in progress; later input is ignored. */
    public void end(EndKind how, long frame, long nanos) {
        if (state == State.ENDED) return;
        if (state == State.HOLD) resumeHttp();
        boolean hard = how != EndKind.CAPTURE_END;
        switch (state) {
            case START_LINE: case HEADER_LINE:
                if (hard) {
                    report(AnomalyCode.HTTP_HEADER_TRUNCATED, pos, frame, nanos,
                            "stream ended (" + how.name().toLowerCase(Locale.ROOT) + ") after " + (pos - msgOffset)
                                    + " bytes of a head starting at offset " + msgOffset);
                }
                break;
            case BODY_LENGTH: case CHUNK_SIZE: case CHUNK_EXT: case CHUNK_DATA: case CHUNK_DATA_CR:
            case CHUNK_DATA_LF: case TRAILER_LINE:
                if (hard) {
                    String missing = state == State.BODY_LENGTH ? remaining + " body bytes missing" : "chunked body unfinished";
                    report(AnomalyCode.HTTP_BODY_TRUNCATED, pos, frame, nanos,
                            "stream ended (" + how.name().toLowerCase(Locale.ROOT) + "): " + missing);
                }
                finishMessage(hard ? MessageEnd.How.TRUNCATED : MessageEnd.How.UNFINISHED, how, pos);
                break;
            case BODY_UNTIL_CLOSE:
                if (how == EndKind.FIN) {
                    finishMessage(MessageEnd.How.COMPLETE, null, pos);
                } else {
                    if (how == EndKind.RESET) {
                        report(AnomalyCode.HTTP_BODY_TRUNCATED, pos, frame, nanos,
                                "close-delimited body ended by a reset, not a FIN");
                    }
                    finishMessage(how == EndKind.RESET ? MessageEnd.How.TRUNCATED : MessageEnd.How.UNFINISHED, how, pos);
                }
                break;
            case RESYNC:
                ignoredBytes += skipped + probeLen;
                break;
            default:
                break;
        }
        state = State.ENDED;
    }

    // ------------------------------------------------------------------ decisions from the pairing layer

    /** The response said no protocol switch: parse what was held as HTTP. */
    public void resumeHttp() {
        if (state != State.HOLD) {
            holdAfterMessage = false;
            return;
        }
        state = State.IDLE;
        replayHeld(false);
    }

    /** The response switched protocols: every byte from here on (held ones first) is handed on. */
    public void switchToPassthrough() {
        switch (state) {
            case HOLD:
                state = State.PASSTHROUGH;
                replayHeld(true);
                break;
            case ENDED:
                break;
            default:
                if (inMessage()) {
                    passthroughAfterMessage = true;
                } else {
                    state = State.PASSTHROUGH;
                }
                break;
        }
    }

    private void replayHeld(boolean asPassthrough) {
        byte[] buf = held;
        int len = heldLen;
        int[] at = markAt;
        long[] fr = markFrame;
        long[] ns = markNanos;
        int n = marks;
        long start = heldStart;
        held = null;
        markAt = null;
        markFrame = null;
        markNanos = null;
        heldLen = 0;
        marks = 0;
        long savedFrame = frame;
        long savedNanos = nanos;
        long savedChunkStart = chunkStart;
        if (asPassthrough) {
            for (int k = 0; k < n; k++) {
                int from = at[k];
                int to = k + 1 < n ? at[k + 1] : len;
                passthroughBytes += to - from;
                listener.passthrough(buf, from, to - from, start + from, fr[k], ns[k]);
            }
        } else {
            long resumeAt = pos;
            pos = start;
            for (int k = 0; k < n; k++) {
                int from = at[k];
                int to = k + 1 < n ? at[k + 1] : len;
                data(buf, from, to - from, start + from, fr[k], ns[k]);
            }
            pos = Math.max(pos, resumeAt);
        }
        frame = savedFrame;
        nanos = savedNanos;
        chunkStart = savedChunkStart;
    }

    private int hold(byte[] buf, int off, int len) {
        if (heldLen + len <= limits.maxHeaderSectionBytes()) return holdAppend(buf, off, len);
        // More than a peer waiting for its answer should send: assume no switch happened and parse
        // as HTTP from the first held byte. The caller re-dispatches this chunk in the new state;
        // a second upgrade request among the held bytes starts a shorter hold, so this ends.
        state = State.IDLE;
        replayHeld(false);
        return 0;
    }

    private int holdAppend(byte[] buf, int off, int len) {
        if (held == null) {
            held = new byte[Math.min(1024, limits.maxHeaderSectionBytes())];
            markAt = new int[8];
            markFrame = new long[8];
            markNanos = new long[8];
            heldStart = pos;
        }
        if (heldLen + len > held.length) {
            held = java.util.Arrays.copyOf(held, Math.min(limits.maxHeaderSectionBytes(),
                    Math.max(held.length * 2, heldLen + len)));
        }
        if (marks == markAt.length) {
            markAt = java.util.Arrays.copyOf(markAt, marks * 2);
            markFrame = java.util.Arrays.copyOf(markFrame, marks * 2);
            markNanos = java.util.Arrays.copyOf(markNanos, marks * 2);
        }
        markAt[marks] = heldLen;
        markFrame[marks] = frame;
        markNanos[marks] = nanos;
        marks++;
        System.arraycopy(buf, off, held, heldLen, len);
        heldLen += len;
        return len;
    }

    // ------------------------------------------------------------------ bodies

    private int bodyLength(int avail) {
        int n = (int) Math.min(avail, remaining);
        bodyBytes += n;
        remaining -= n;
        if (remaining == 0) finishMessage(MessageEnd.How.COMPLETE, null, pos + n);
        return n;
    }

    private int chunkData(int avail) {
        int n = (int) Math.min(avail, remaining);
        bodyBytes += n;
        remaining -= n;
        if (remaining == 0) state = State.CHUNK_DATA_CR;
        return n;
    }

    // ------------------------------------------------------------------ byte at a time

    private void step(byte b) {
        switch (state) {
            case IDLE:
                if (b == CR || b == LF) return;
                beginMessage();
                state = State.START_LINE;
                lineByte(b);
                return;
            case START_LINE: case HEADER_LINE: case TRAILER_LINE:
                lineByte(b);
                return;
            case CHUNK_SIZE:
                chunkSizeByte(b);
                return;
            case CHUNK_EXT:
                chunkExtByte(b);
                return;
            case CHUNK_DATA_CR:
                if (b == CR) {
                    state = State.CHUNK_DATA_LF;
                } else if (b == LF) {
                    bareLf();
                    startChunkLine();
                } else {
                    badChunkEnd(b);
                }
                return;
            case CHUNK_DATA_LF:
                if (b == LF) {
                    startChunkLine();
                } else {
                    badChunkEnd(b);
                }
                return;
            case RESYNC:
                resyncByte(b);
                return;
            default:
                ignoredBytes++; // unreachable: the other states are handled in bulk by data()
                return;
        }
    }

    private void beginMessage() {
        if (line.length > 4096) line = new byte[256]; // do not keep a big head's buffer for ever
        msgOffset = pos;
        msgFrame = frame;
        msgNanos = nanos;
        lastFrame = frame;
        lastNanos = nanos;
        sectionBytes = 0;
        fieldCount = 0;
        sawNul = false;
        sawBareLf = false;
        sawBareCr = false;
        fields = new Headers();
        pendingName = null;
        method = null;
        target = null;
        version = null;
        status = 0;
        reason = null;
        clOffset = -1;
        teOffset = -1;
        remaining = 0;
        bodyBytes = 0;
        cutByGap = false;
        trailers = null;
        holdAfterMessage = false;
        startLine();
        if (closeAfter && !closeAnnounced) {
            closeAnnounced = true;
            report(AnomalyCode.HTTP_DATA_AFTER_CLOSE, pos, frame, nanos,
                    "message after one that announced the connection would close");
        }
    }

    private void startLine() {
        lineLen = 0;
        lineFirstSp = -1;
        pendingCr = false;
        lineStarted = false;
    }

    /** One byte of a head line; a complete line is handed to {@link #lineDone()}. */
    private void lineByte(byte b) {
        if (++sectionBytes > limits.maxHeaderSectionBytes()) {
            report(AnomalyCode.HTTP_HEADER_TOO_LARGE, pos, frame, nanos,
                    (state == State.TRAILER_LINE ? "trailer" : "header") + " section over "
                            + limits.maxHeaderSectionBytes() + " bytes");
            abandon(b == LF);
            return;
        }
        if (!lineStarted) {
            lineStarted = true;
            lineOffset = pos;
            lineFrame = frame;
            lineNanos = nanos;
        }
        if (pendingCr) {
            pendingCr = false;
            if (b == LF) {
                lineDone();
                return;
            }
            if (!sawBareCr) {
                sawBareCr = true;
                report(AnomalyCode.HTTP_BARE_CR, pos - 1, frame, nanos, "CR followed by " + escape(b));
            }
            // RFC 9112 section 2.2: a bare CR may be read as SP.
            if (!append(SP)) return;
        }
        if (b == CR) {
            pendingCr = true;
            return;
        }
        if (b == LF) {
            bareLf();
            lineDone();
            return;
        }
        if (b == 0 && !sawNul && !(virgin && state == State.START_LINE)) {
            sawNul = true;
            report(AnomalyCode.HTTP_NUL_IN_HEADER, pos, frame, nanos, "NUL in " + (state == State.START_LINE
                    ? "start line" : "field line \"" + escapeWith(b) + "\""));
        }
        append(b);
    }

    /**
     * Takes in one go the bytes of a head line up to the next CR, LF or NUL, when doing them one at
     * a time through {@link #lineByte} could do nothing but append them: no pending CR, no check
     * of a stream's first start line, no limit reached. Returns how many it took (0: none, the
     * caller steps the byte). Heads are most of the bytes the byte-at-a-time path sees.
     */
    private int lineRun(byte[] buf, int from, int end) {
        if (pendingCr || (virgin && state == State.START_LINE)) return 0;
        int room = limits.maxHeaderSectionBytes() - sectionBytes;
        if (state == State.START_LINE) room = Math.min(room, limits.maxStartLineBytes() - lineLen);
        int stop = (int) Math.min(end, (long) from + Math.max(room, 0));
        int k = from;
        int firstSp = -1;
        while (k < stop) {
            byte b = buf[k];
            if (b == CR || b == LF || b == 0) break;
            if (b == SP && firstSp < 0) firstSp = k - from;
            k++;
        }
        int n = k - from;
        if (n == 0) return 0;
        if (!lineStarted) {
            lineStarted = true;
            lineOffset = pos;
            lineFrame = frame;
            lineNanos = nanos;
        }
        if (lineLen + n > line.length) {
            // lineLen + n <= sectionBytes <= the section cap, so this stays within what lineByte grows to.
            line = java.util.Arrays.copyOf(line, Math.max(lineLen + n,
                    Math.min(line.length * 2, limits.maxHeaderSectionBytes() + 1)));
        }
        if (firstSp >= 0 && lineFirstSp < 0) lineFirstSp = lineLen + firstSp;
        System.arraycopy(buf, from, line, lineLen, n);
        lineLen += n;
        sectionBytes += n;
        return n;
    }

    private void bareLf() {
        if (!sawBareLf) {
            sawBareLf = true;
            report(AnomalyCode.HTTP_BARE_LF, pos, frame, nanos, "line ended by LF without CR");
        }
    }

    /** Adds a byte to the line; false when the parser left the line (too long, not HTTP). */
    private boolean append(byte b) {
        if (state == State.START_LINE) {
            if (lineLen >= limits.maxStartLineBytes()) {
                report(AnomalyCode.HTTP_HEADER_TOO_LARGE, pos, frame, nanos,
                        "start line over " + limits.maxStartLineBytes() + " bytes");
                abandon(false);
                return false;
            }
            if (virgin && !virginByte(b, lineLen)) return false;
        }
        if (lineLen == line.length) {
            line = java.util.Arrays.copyOf(line, Math.min(line.length * 2, limits.maxHeaderSectionBytes() + 1));
        }
        if (b == SP && lineFirstSp < 0) lineFirstSp = lineLen;
        line[lineLen++] = b;
        if (state == State.START_LINE && virgin && lineLen == 3 && tlsRecordStart()) {
            notHttp(AnomalyCode.NOT_HTTP_TLS, "TLS record header " + escape(line, 0, 3));
            return false;
        }
        return true;
    }

    private boolean tlsRecordStart() {
        return msgOffset == 0 && (line[0] & 0xff) >= 0x14 && (line[0] & 0xff) <= 0x17
                && line[1] == 0x03 && (line[2] & 0xff) <= 0x04;
    }

    /**
     * Checks a byte of the very first start line for what no HTTP/1.x message can begin with.
     * A TLS record header (first three bytes) is given its own verdict.
     */
    private boolean virginByte(byte b, int idx) {
        if (msgOffset == 0 && idx < 3 && tlsPrefixPossibleSoFar(idx) && tlsPrefixPossible(b, idx)) return true;
        if (msgOffset == 0 && idx > 0 && idx < 3 && tlsPrefixPossibleSoFar(idx)) {
            // The TLS pattern just broke: judge the bytes held back for it too.
            for (int k = 0; k < idx; k++) {
                if (!plausibleStartByte(line[k], k)) {
                    notHttp(AnomalyCode.NOT_HTTP, "junk at stream start: \"" + escapeWith(b) + "\"");
                    return false;
                }
            }
        }
        if (!plausibleStartByte(b, idx)) {
            notHttp(AnomalyCode.NOT_HTTP, "junk at stream start: \"" + escapeWith(b) + "\"");
            return false;
        }
        return true;
    }

    private boolean tlsPrefixPossibleSoFar(int n) {
        for (int k = 0; k < n; k++) {
            if (!tlsPrefixPossible(line[k], k)) return false;
        }
        return true;
    }

    private static boolean tlsPrefixPossible(byte b, int idx) {
        int v = b & 0xff;
        switch (idx) {
            case 0: return v >= 0x14 && v <= 0x17;
            case 1: return v == 0x03;
            default: return v <= 0x04;
        }
    }

    private boolean plausibleStartByte(byte b, int idx) {
        int v = b & 0xff;
        if ((v < 0x20 && v != HTAB) || v == 0x7f) return false;
        if (mode == Mode.RESPONSE) return idx >= HTTP_SLASH.length || b == HTTP_SLASH[idx];
        if (b == SP && idx > 0) return true;
        if (lineFirstSp >= 0 && lineFirstSp < idx) return true;
        return isTchar(v);
    }

    private void notHttp(AnomalyCode code, String detail) {
        report(code, msgOffset, msgFrame, msgNanos, detail);
        ignoredBytes += pos + 1 - msgOffset;
        state = State.NOT_HTTP;
    }

    private void lineDone() {
        switch (state) {
            case START_LINE:
                startLineDone();
                break;
            case HEADER_LINE:
                if (lineLen == 0) {
                    endField();
                    headDone();
                } else {
                    fieldLine(fields);
                }
                break;
            case TRAILER_LINE:
                if (lineLen == 0) {
                    endField();
                    finishMessage(MessageEnd.How.COMPLETE, null, pos + 1);
                } else {
                    fieldLine(trailers);
                }
                break;
            default:
                break;
        }
        if (state == State.HEADER_LINE || state == State.TRAILER_LINE) startLine();
    }

    // ------------------------------------------------------------------ start line

    private void startLineDone() {
        String text = new String(line, 0, lineLen, StandardCharsets.ISO_8859_1);
        if (virgin) {
            if (mode == Mode.REQUEST && text.equals(H2_PREFACE_LINE)) {
                notHttp(AnomalyCode.NOT_HTTP_H2_PREFACE, "\"" + H2_PREFACE_LINE + "\"");
                return;
            }
            if (mode == Mode.REQUEST && (text.indexOf(' ') < 0 || !versionShape(text.substring(text.lastIndexOf(' ') + 1)))) {
                // Not even the shape of a request line: no HTTP version at its end.
                notHttp(AnomalyCode.NOT_HTTP, "junk at stream start: \"" + escape(line, 0, lineLen) + "\"");
                return;
            }
            virgin = false;
        }
        boolean ok = mode == Mode.REQUEST ? requestLine(text) : statusLine(text);
        if (!ok) {
            abandon(true);
            return;
        }
        virgin = false;
        state = State.HEADER_LINE;
    }

    private boolean requestLine(String text) {
        int sp1 = text.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || sp2 == sp1 + 1 || text.indexOf(' ', sp2 + 1) >= 0 || !isToken(text, 0, sp1)) {
            report(AnomalyCode.HTTP_BAD_REQUEST_LINE, msgOffset, msgFrame, msgNanos, "\"" + escape(text) + "\"");
            return false;
        }
        String v = text.substring(sp2 + 1);
        if (!versionShape(v)) {
            report(AnomalyCode.HTTP_BAD_REQUEST_LINE, msgOffset, msgFrame, msgNanos, "\"" + escape(text) + "\"");
            return false;
        }
        method = text.substring(0, sp1);
        target = text.substring(sp1 + 1, sp2);
        version = v;
        checkVersion(sp2 + 1);
        return true;
    }

    private boolean statusLine(String text) {
        int sp1 = text.indexOf(' ');
        String v = sp1 < 0 ? text : text.substring(0, sp1);
        if (!versionShape(v)) {
            report(AnomalyCode.HTTP_BAD_STATUS_LINE, msgOffset, msgFrame, msgNanos, "\"" + escape(text) + "\"");
            return false;
        }
        boolean digits = sp1 > 0 && text.length() >= sp1 + 4
                && (text.length() == sp1 + 4 || text.charAt(sp1 + 4) == ' ');
        for (int k = 1; digits && k <= 3; k++) {
            char c = text.charAt(sp1 + k);
            digits = c >= '0' && c <= '9';
        }
        if (!digits || text.charAt(sp1 + 1) == '0') {
            report(AnomalyCode.HTTP_BAD_STATUS_LINE, msgOffset, msgFrame, msgNanos, "\"" + escape(text) + "\"");
            return false;
        }
        version = v;
        status = Integer.parseInt(text.substring(sp1 + 1, sp1 + 4));
        reason = text.length() > sp1 + 5 ? text.substring(sp1 + 5) : "";
        checkVersion(0);
        return true;
    }

    /** "HTTP/" DIGIT "." DIGIT (RFC 9112 section 2.3). */
    private static boolean versionShape(String v) {
        return v.length() == 8 && v.startsWith("HTTP/") && isDigit(v.charAt(5)) && v.charAt(6) == '.'
                && isDigit(v.charAt(7));
    }

    private void checkVersion(int at) {
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            report(AnomalyCode.HTTP_BAD_VERSION, msgOffset + at, msgFrame, msgNanos, "\"" + escape(version) + "\"");
        }
    }

    // ------------------------------------------------------------------ fields

    private void fieldLine(Headers into) {
        byte first = line[0];
        if (first == SP || first == HTAB) {
            report(AnomalyCode.HTTP_OBSOLETE_LINE_FOLDING, lineOffset, lineFrame, lineNanos,
                    "\"" + escape(line, 0, lineLen) + "\"");
            if (pendingName != null) {
                // RFC 9112 section 5.2: replace the fold with SP.
                into.foldIntoLast(new String(line, 0, lineLen, StandardCharsets.ISO_8859_1).strip());
            }
            return;
        }
        endField();
        if (++fieldCount > limits.maxHeaderCount()) {
            report(AnomalyCode.HTTP_HEADER_TOO_LARGE, lineOffset, lineFrame, lineNanos,
                    "more than " + limits.maxHeaderCount() + " field lines");
            abandon(true);
            return;
        }
        int colon = -1;
        for (int k = 0; k < lineLen; k++) {
            if (line[k] == ':') {
                colon = k;
                break;
            }
        }
        if (colon < 0) {
            report(AnomalyCode.HTTP_HEADER_WITHOUT_COLON, lineOffset, lineFrame, lineNanos,
                    "\"" + escape(line, 0, lineLen) + "\"");
            return;
        }
        int nameEnd = colon;
        if (nameEnd > 0 && (line[nameEnd - 1] == SP || line[nameEnd - 1] == HTAB)) {
            report(AnomalyCode.HTTP_WHITESPACE_BEFORE_COLON, lineOffset + nameEnd - 1, lineFrame, lineNanos,
                    "\"" + escape(line, 0, lineLen) + "\"");
            while (nameEnd > 0 && (line[nameEnd - 1] == SP || line[nameEnd - 1] == HTAB)) nameEnd--;
        }
        String name = headerName(nameEnd);
        if (nameEnd == 0 || !nameIsToken) {
            report(AnomalyCode.HTTP_BAD_HEADER_NAME, lineOffset, lineFrame, lineNanos,
                    "\"" + escape(line, 0, lineLen) + "\"");
        }
        int vs = colon + 1;
        int ve = lineLen;
        while (vs < ve && (line[vs] == SP || line[vs] == HTAB)) vs++;
        while (ve > vs && (line[ve - 1] == SP || line[ve - 1] == HTAB)) ve--;
        // Added now (the line buffer is reused); a fold line that follows extends it.
        pendingName = name;
        into.addRaw(name, line, vs, ve);
        if (into == fields) {
            if (clOffset < 0 && name.equalsIgnoreCase("Content-Length")) {
                clOffset = lineOffset;
                clFrame = lineFrame;
                clNanos = lineNanos;
            } else if (teOffset < 0 && name.equalsIgnoreCase("Transfer-Encoding")) {
                teOffset = lineOffset;
                teFrame = lineFrame;
                teNanos = lineNanos;
            }
        }
    }

    /**
     * The header name in {@code line[0, end)}, reusing the String made for the same bytes before
     * on this connection: the same dozen names come in every message. The common ones start out
     * as the literals the parser and the detectors compare with, so those comparisons are
     * identity checks. Sets {@link #nameIsToken}.
     */
    private String headerName(int end) {
        if (end == 0) {
            nameIsToken = false;
            return "";
        }
        int slot = (end * 31 + (line[0] & 0xdf) * 7 + (line[end - 1] & 0xdf)) & (knownNames.length - 1);
        byte[] known = knownBytes[slot];
        if (known != null && known.length == end && java.util.Arrays.equals(known, 0, end, line, 0, end)) {
            nameIsToken = true; // only tokens are kept
            return knownNames[slot];
        }
        String name = new String(line, 0, end, StandardCharsets.ISO_8859_1);
        nameIsToken = isToken(line, 0, end);
        if (nameIsToken) {
            knownNames[slot] = name;
            knownBytes[slot] = java.util.Arrays.copyOf(line, end);
        }
        return name;
    }

    private static final String[] COMMON_NAMES = {"Host", "Content-Length", "Transfer-Encoding", "Connection",
            "Upgrade", "Content-Type", "Date", "Server", "Keep-Alive", "Accept", "User-Agent",
            "Sec-WebSocket-Key", "Sec-WebSocket-Accept", "Sec-WebSocket-Version", "Expect", "Trailer"};

    private static final String[] SEEDED_NAMES = new String[64];
    private static final byte[][] SEEDED_BYTES = new byte[64][];

    static {
        for (String n : COMMON_NAMES) {
            int slot = (n.length() * 31 + (n.charAt(0) & 0xdf) * 7 + (n.charAt(n.length() - 1) & 0xdf)) & 63;
            if (SEEDED_NAMES[slot] == null) {
                SEEDED_NAMES[slot] = n;
                SEEDED_BYTES[slot] = n.getBytes(StandardCharsets.ISO_8859_1);
            }
        }
    }

    /** Ends the field a fold line could still extend. */
    private void endField() {
        pendingName = null;
    }

    // ------------------------------------------------------------------ framing (RFC 9112 section 6.3)

    private void headDone() {
        long endOffset = pos + 1;
        boolean interim = false;
        if (mode == Mode.REQUEST) {
            listener.requestHead(new RequestHead(method, target, version, fields, msgOffset, msgFrame, msgNanos));
        } else {
            ResponseHead head = new ResponseHead(version, status, reason, fields, msgOffset, msgFrame, msgNanos,
                    endOffset - msgOffset);
            interim = head.interim();
            if (!interim) requestMethod = methods.methodOfNextResponse();
            listener.responseHead(head);
        }
        if (state != State.HEADER_LINE) return; // the listener switched us (cannot happen today, but be safe)
        closeAfter = closeAfter || wantsClose();
        if (mode == Mode.RESPONSE) {
            if (interim) {
                finishMessage(MessageEnd.How.COMPLETE, null, endOffset);
                return;
            }
            if (status == 101 || ("CONNECT".equals(requestMethod) && status >= 200 && status < 300)) {
                finishMessage(MessageEnd.How.COMPLETE, null, endOffset);
                if (state == State.IDLE) state = State.PASSTHROUGH;
                return;
            }
            if ("HEAD".equals(requestMethod) || status == 204 || status == 304) {
                finishMessage(MessageEnd.How.COMPLETE, null, endOffset);
                return;
            }
        } else {
            holdAfterMessage = "CONNECT".equals(method) || fields.get("Upgrade") != null;
        }
        framing(endOffset);
    }

    private boolean wantsClose() {
        if (fields.hasToken("Connection", "close")) return true;
        return "HTTP/1.0".equals(version) && !fields.hasToken("Connection", "keep-alive");
    }

    private void framing(long endOffset) {
        java.util.List<String> te = fields.getAll("Transfer-Encoding");
        java.util.List<String> cl = fields.getAll("Content-Length");
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                report(AnomalyCode.HTTP_CONTENT_LENGTH_WITH_CHUNKED, clOffset, clFrame, clNanos,
                        "Content-Length: " + escape(cl.get(0)) + " with Transfer-Encoding: " + escape(te.get(0)));
            }
            String last = null;
            boolean chunkedEarlier = false;
            if (te.size() == 1 && te.get(0).equalsIgnoreCase("chunked")) {
                // Nearly every chunked message: what the general walk below concludes, without
                // joining and splitting.
                last = te.get(0);
            } else {
                for (String part : String.join(",", te).split(",")) {
                    String p = part.strip();
                    if (p.isEmpty()) continue;
                    if (last != null && last.equalsIgnoreCase("chunked")) chunkedEarlier = true;
                    last = p;
                }
            }
            boolean chunked = last != null && last.equalsIgnoreCase("chunked");
            if (chunked && !chunkedEarlier) {
                state = State.CHUNK_SIZE;
                startChunkLineAt(endOffset);
                return;
            }
            // A response may end a non-chunked coding by closing (RFC 9112 section 6.3 item 4); a
            // request cannot, and chunked anywhere but last is always wrong.
            if (mode == Mode.REQUEST || chunkedEarlier || last == null) {
                report(AnomalyCode.HTTP_BAD_TRANSFER_ENCODING, teOffset, teFrame, teNanos,
                        "Transfer-Encoding: " + escape(String.join(",", te)));
            }
            unframeableBody(endOffset);
            return;
        }
        if (!cl.isEmpty()) {
            long length = -1;
            boolean bad = false;
            boolean conflict = false;
            for (String v : cl) {
                // Comma-separated repeats ("42, 42") are allowed if they agree (RFC 9110 8.6);
                // walked in place: split() on every message cost the JIT more than the parse.
                int from = 0;
                while (from <= v.length()) {
                    int comma = v.indexOf(',', from);
                    int to = comma < 0 ? v.length() : comma;
                    long n = parseDecimal(v.substring(from, to).strip());
                    if (n < 0) {
                        bad = true;
                    } else if (length >= 0 && n != length) {
                        conflict = true;
                    } else {
                        length = n;
                    }
                    from = to + 1;
                }
            }
            if (bad || conflict) {
                report(bad ? AnomalyCode.HTTP_BAD_CONTENT_LENGTH : AnomalyCode.HTTP_CONFLICTING_CONTENT_LENGTH,
                        clOffset, clFrame, clNanos, "Content-Length: " + escape(String.join(", ", cl)));
                unframeableBody(endOffset);
                return;
            }
            if (length == 0) {
                finishMessage(MessageEnd.How.COMPLETE, null, endOffset);
            } else {
                remaining = length;
                state = State.BODY_LENGTH;
            }
            return;
        }
        if (mode == Mode.REQUEST) {
            finishMessage(MessageEnd.How.COMPLETE, null, endOffset);
        } else {
            state = State.BODY_UNTIL_CLOSE;
        }
    }

    /** 1*DIGIT that fits a long, else -1. */
    private static long parseDecimal(String s) {
        if (s.isEmpty() || s.length() > 18) return -1;
        long n = 0;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (!isDigit(c)) return -1;
            n = n * 10 + (c - '0');
        }
        return n;
    }

    // ------------------------------------------------------------------ chunked (RFC 9112 section 7.1)

    private void startChunkLine() {
        startChunkLineAt(pos + 1);
    }

    private void startChunkLineAt(long at) {
        state = State.CHUNK_SIZE;
        chunkSize = 0;
        chunkDigits = 0;
        chunkLineLen = 0;
        lineOffset = at;
    }

    private void noteChunkByte(byte b) {
        if (chunkLineLen < chunkSeen.length) chunkSeen[chunkLineLen] = b;
        chunkLineLen++;
    }

    private String chunkSeenText() {
        return escape(chunkSeen, 0, Math.min(chunkLineLen, chunkSeen.length));
    }

    private void chunkSizeByte(byte b) {
        if (chunkDigits > 0 && (b == CR || b == LF)) {
            chunkExtByte(b);
            return;
        }
        if (chunkLineTooLong()) return;
        int hex = hexValue(b);
        if (hex >= 0) {
            noteChunkByte(b);
            chunkDigits++;
            if ((chunkSize >>> 59) != 0) {
                // One more digit would not fit a signed 64-bit count.
                badChunkSize("chunk size overflows: \"" + chunkSeenText() + "\"");
                return;
            }
            chunkSize = chunkSize * 16 + hex;
            return;
        }
        if (chunkDigits > 0 && (b == ';' || b == SP || b == HTAB)) {
            noteChunkByte(b);
            state = State.CHUNK_EXT;
            return;
        }
        noteChunkByte(b);
        badChunkSize("chunk size \"" + chunkSeenText() + "\" is not hexadecimal");
    }

    private boolean chunkLineTooLong() {
        if (chunkLineLen >= limits.maxStartLineBytes()) {
            badChunkSize("chunk-size line over " + limits.maxStartLineBytes() + " bytes");
            return true;
        }
        return false;
    }

    /** Extensions are skipped up to the line end; a bare CR there is not a line end. */
    private void chunkExtByte(byte b) {
        if (b == LF) {
            if (!pendingCr) bareLf();
            pendingCr = false;
            if (chunkSize == 0) {
                state = State.TRAILER_LINE;
                trailers = new Headers();
                sectionBytes = 0;
                fieldCount = 0;
                pendingName = null;
                startLine();
            } else {
                remaining = chunkSize;
                state = State.CHUNK_DATA;
            }
            return;
        }
        if (pendingCr) {
            badChunkSize("CR inside chunk-size line not followed by LF");
            return;
        }
        state = State.CHUNK_EXT;
        if (b == CR) {
            pendingCr = true;
            return;
        }
        if (chunkLineTooLong()) return;
        noteChunkByte(b);
    }

    private void badChunkSize(String detail) {
        report(AnomalyCode.HTTP_BAD_CHUNK_SIZE, pos, frame, nanos, detail);
        pendingCr = false;
        finishMessage(MessageEnd.How.MALFORMED, null, pos);
        resync(1, false);
    }

    private void badChunkEnd(byte b) {
        report(AnomalyCode.HTTP_BAD_CHUNK_END, pos, frame, nanos, "chunk data followed by " + escape(b) + ", not CRLF");
        finishMessage(MessageEnd.How.MALFORMED, null, pos);
        resync(1, b == LF);
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') return b - '0';
        if (b >= 'a' && b <= 'f') return b - 'a' + 10;
        if (b >= 'A' && b <= 'F') return b - 'A' + 10;
        return -1;
    }

    // ------------------------------------------------------------------ message end, resync

    /**
     * A head whose framing cannot be trusted: a request ends there and parsing resyncs; a response
     * can still be read to the close (RFC 9112 section 6.3).
     */
    private void unframeableBody(long endOffset) {
        if (mode == Mode.REQUEST) {
            finishMessage(MessageEnd.How.MALFORMED, null, endOffset);
            resync(0, true);
        } else {
            state = State.BODY_UNTIL_CLOSE;
        }
    }

    private void finishMessage(MessageEnd.How how, EndKind kind, long endOffset) {
        boolean pass = passthroughAfterMessage;
        boolean hold = holdAfterMessage;
        passthroughAfterMessage = false;
        holdAfterMessage = false;
        state = State.IDLE;
        pendingCr = false;
        // The last byte is in the chunk being parsed, or it came in an earlier one.
        boolean inChunk = endOffset - 1 >= chunkStart;
        long lf = inChunk ? frame : lastFrame;
        long ln = inChunk ? nanos : lastNanos;
        listener.messageEnd(new MessageEnd(how, kind, bodyBytes, cutByGap, endOffset, lf, ln, trailers));
        if (pass) {
            state = State.PASSTHROUGH;
        } else if (hold && how == MessageEnd.How.COMPLETE && state == State.IDLE) {
            state = State.HOLD;
        }
    }

    /** Gives up on the head (or trailers) being read and looks for the next message start. */
    private void abandon(boolean atLineStart) {
        if (state == State.NOT_HTTP) return;
        if (state == State.TRAILER_LINE) {
            finishMessage(MessageEnd.How.MALFORMED, null, pos + 1);
            resync(0, atLineStart);
            return;
        }
        resync(pos + 1 - msgOffset, atLineStart);
    }

    /** Looks for the next message start; {@code skippedSoFar} bytes already went unused. */
    private void resync(long skippedSoFar, boolean atLineStart) {
        virgin = false;
        skipped = skippedSoFar;
        state = State.RESYNC;
        probing = atLineStart;
        probeLen = 0;
        pendingCr = false;
    }

    private void resyncByte(byte b) {
        if (probing) {
            if (probeLen == 0) {
                probeOffset = pos;
                probeFrame = frame;
                probeNanos = nanos;
            }
            probe[probeLen++] = b;
            int match = probeMatch();
            if (match > 0) {
                resynced();
                return;
            }
            if (match == 0) return; // still a prefix of some message start
            skipped += probeLen;
            probing = false;
            probeLen = 0;
        } else {
            skipped++;
        }
        if (b == LF) {
            probing = true;
            probeLen = 0;
        }
    }

    /** 1: the probe is a whole message start; 0: a prefix of one; -1: neither. */
    private int probeMatch() {
        if (mode == Mode.RESPONSE) return prefixMatch(HTTP1);
        int best = -1;
        for (byte[] m : METHODS) {
            best = Math.max(best, prefixMatch(m));
            if (best == 1) return 1;
        }
        return best;
    }

    private int prefixMatch(byte[] start) {
        int n = Math.min(probeLen, start.length);
        for (int k = 0; k < n; k++) {
            if (probe[k] != start[k]) return -1;
        }
        return probeLen >= start.length ? 1 : 0;
    }

    private void resynced() {
        if (skipped > 0) {
            report(AnomalyCode.HTTP_RESYNC, probeOffset, probeFrame, probeNanos,
                    "resumed after " + skipped + " unusable bytes");
        }
        ignoredBytes += skipped;
        skipped = 0;
        probing = false;
        int n = probeLen;
        probeLen = 0;
        long now = pos;
        long nowFrame = frame;
        long nowNanos = nanos;
        // Start the message at the probe's first byte, then feed the probe as its start line.
        pos = probeOffset;
        frame = probeFrame;
        nanos = probeNanos;
        beginMessage();
        state = State.START_LINE;
        frame = nowFrame;
        nanos = nowNanos;
        for (int k = 0; k < n && state == State.START_LINE; k++) {
            pos = probeOffset + k;
            lineByte(probe[k]);
        }
        pos = now;
    }

    // ------------------------------------------------------------------ helpers

    private void report(AnomalyCode code, long offset, long frame, long nanos, String detail) {
        listener.anomaly(new Anomaly(code, connection, direction, frame, nanos, offset, detail));
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    /** tchar from RFC 9110 section 5.6.2, as a table: it is asked of every header name byte. */
    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (int c = 0; c < 128; c++) {
            TCHAR[c] = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }

    private static boolean isTchar(int c) {
        return c >= 0 && c < 256 && TCHAR[c];
    }

    private static boolean isToken(String s, int from, int to) {
        if (to <= from) return false;
        for (int k = from; k < to; k++) {
            if (!isTchar(s.charAt(k))) return false;
        }
        return true;
    }

    private static boolean isToken(byte[] b, int from, int to) {
        for (int k = from; k < to; k++) {
            if (!isTchar(b[k] & 0xff)) return false;
        }
        return true;
    }

    private String escapeWith(byte b) {
        byte[] tmp = java.util.Arrays.copyOf(line, Math.min(lineLen, DETAIL_MAX) + 1);
        tmp[tmp.length - 1] = b;
        return escape(tmp, 0, tmp.length);
    }

    static String escape(byte b) {
        return escape(new byte[] {b}, 0, 1);
    }

    static String escape(String s) {
        return escape(s.getBytes(StandardCharsets.ISO_8859_1), 0, s.length());
    }

    /** Printable ASCII as is (quote and backslash escaped), the rest as \xNN; cut at DETAIL_MAX bytes. */
    static String escape(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder(Math.min(len, DETAIL_MAX) + 8);
        int n = Math.min(len, DETAIL_MAX);
        for (int k = off; k < off + n; k++) {
            int c = b[k] & 0xff;
            if (c == '"' || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        if (len > n) sb.append("...");
        return sb.toString();
    }

    private static byte[][] ascii(String... s) {
        byte[][] out = new byte[s.length][];
        for (int k = 0; k < s.length; k++) out[k] = s[k].getBytes(StandardCharsets.US_ASCII);
        return out;
    }
}

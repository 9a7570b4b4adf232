package io.gatelens.report;

import io.gatelens.anomaly.Severity;
import io.gatelens.detect.Cause;
import io.gatelens.finding.ClientResponse;
import io.gatelens.finding.Evidence;
import io.gatelens.finding.Finding;
import io.gatelens.finding.FindingSink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * The packet comments of an annotated capture (issue #6): takes the findings in the order
 * {@code analyze} reports them, numbers them 1, 2, ... (the numbers {@code analyze} users count and
 * {@code timeline --finding N} takes), and gives, frame by frame in capture order, one comment per
 * finding that cites the frame: each evidence frame, and the frame that carried the client's
 * response. A comment reads
 * {@code gatelens: finding 3 reset_before_response (error): upstream RST, no response byte — The
 * upstream reset the connection (RST) 28.8 ms after the request, without sending any response byte.}
 *
 * <p>Memory. Only what a comment needs is kept: per cited frame its number, the finding and the
 * evidence's few words; per finding its cause, severity, client status and the explanation's
 * first sentence. Comments are assembled when they are written. At most {@code maxComments} are
 * kept: a finding whose comments do not all fit is not marked at all, nor is any after it (so the
 * marked findings are exactly 1..N), and {@link #firstUnmarked()} says where that began.
 */
public final class FrameComments implements FindingSink {
    /**
     * The default cap on comments kept. At the cap, with findings of three comments each, about
     * 75 MB: 24 MB of index, the rest the findings' first sentences (which carry their own
     * numbers, so each is a string of its own).
     */
    public static final int MAX_COMMENTS = 1_000_000;
    /** Distinct evidence texts shared: they repeat ("upstream RST, no response byte") but are built per finding. */
    private static final int MAX_SHARED_TEXTS = 4_096;
    /** Longest comment, in UTF-8 bytes; a longer one is cut and ends with "...". */
    public static final int MAX_COMMENT_BYTES = 1_000;
    /**
     * Most gatelens comments on one frame; past it one comment says how many more findings cite
     * it. (A frame could otherwise be cited by thousands of findings, e.g. one RST behind many
     * exchanges, and a packet block that large is no use to anyone reading it in Wireshark.)
     */
    public static final int MAX_PER_FRAME = 32;

    /** Comment index bits in a sort key: the frame number above them, the comment's index below. */
    private static final int INDEX_BITS = 21;
    private static final String DASH = " \u2014 ";
    private static final Cause[] CAUSES = Cause.values();
    private static final Severity[] SEVERITIES = Severity.values();

    private final int maxComments;

    // Per comment, in arrival order.
    private long[] frames = new long[64];
    private int[] findingOf = new int[64];
    /** What the frame shows (the evidence's words), or null for the client's response frame. */
    private String[] what = new String[64];
    private int comments;

    // Per marked finding (index = number - 1).
    private byte[] cause = new byte[16];
    private byte[] severity = new byte[16];
    private int[] clientStatus = new int[16];
    private String[] sentence = new String[16];
    private int marked;

    private final HashMap<String, String> shared = new HashMap<>();
    private long findings;
    private final long[] bySeverity = new long[SEVERITIES.length];
    private long firstUnmarked = -1;
    private long[] sorted;

    public FrameComments() {
        this(MAX_COMMENTS);
    }

    public FrameComments(int maxComments) {
        if (maxComments < 1 || maxComments >= 1 << INDEX_BITS) {
            throw new IllegalArgumentException("maxComments " + maxComments + " out of range");
        }
        this.maxComments = maxComments;
    }

    @Override
    public void finding(Finding f) {
        if (sorted != null) throw new IllegalStateException("comments already handed out");
        findings++;
        bySeverity[f.severity().ordinal()]++;
        if (firstUnmarked >= 0) return;
        List<Evidence> evidence = f.evidence();
        ClientResponse client = f.client();
        long clientFrame = client == null ? -1 : client.frame();
        int needed = 0;
        for (Evidence e : evidence) {
            if (e.frame() > 0) needed++;
            if (e.frame() == clientFrame) clientFrame = -1; // the evidence already says what the client got
        }
        if (clientFrame > 0) needed++;
        if (comments + needed > maxComments) {
            firstUnmarked = findings;
            return;
        }
        int n = marked++;
        if (n == cause.length) {
            int size = n * 2;
            cause = Arrays.copyOf(cause, size);
            severity = Arrays.copyOf(severity, size);
            clientStatus = Arrays.copyOf(clientStatus, size);
            sentence = Arrays.copyOf(sentence, size);
        }
        cause[n] = (byte) f.cause().ordinal();
        severity[n] = (byte) f.severity().ordinal();
        clientStatus[n] = client == null ? -1 : client.status();
        sentence[n] = firstSentence(f.explanation());
        for (Evidence e : evidence) {
            if (e.frame() > 0) add(e.frame(), n, share(e.what() == null ? "" : e.what()));
        }
        if (clientFrame > 0) add(clientFrame, n, null);
    }

    private String share(String text) {
        String known = shared.get(text);
        if (known != null) return known;
        if (shared.size() < MAX_SHARED_TEXTS) shared.put(text, text);
        return text;
    }

    private void add(long frame, int finding, String text) {
        if (comments == frames.length) {
            int size = Math.min(comments * 2, maxComments);
            frames = Arrays.copyOf(frames, size);
            findingOf = Arrays.copyOf(findingOf, size);
            what = Arrays.copyOf(what, size);
        }
        frames[comments] = frame;
        findingOf[comments] = finding;
        what[comments] = text;
        comments++;
    }

    /** Findings seen (marked or not). */
    public long findings() {
        return findings;
    }

    public long findings(Severity s) {
        return bySeverity[s.ordinal()];
    }

    /** Comments kept (before the per-frame cap). */
    public int comments() {
        return comments;
    }

    /** The number of the first finding left without comments because the cap was reached, or -1. */
    public long firstUnmarked() {
        return firstUnmarked;
    }

    public int maxComments() {
        return maxComments;
    }

    /** Frames that get at least one comment. Ends the collection. */
    public long commentedFrames() {
        long[] keys = sorted();
        long n = 0;
        long last = -1;
        for (long k : keys) {
            long frame = k >>> INDEX_BITS;
            if (frame != last) n++;
            last = frame;
        }
        return n;
    }

    /** Ends the collection; the comments in frame order, each frame's in finding order. */
    public Cursor cursor() {
        return new Cursor(sorted());
    }

    private long[] sorted() {
        if (sorted == null) {
            sorted = new long[comments];
            for (int i = 0; i < comments; i++) sorted[i] = frames[i] << INDEX_BITS | i;
            Arrays.sort(sorted);
            frames = null; // the keys hold them now
            shared.clear();
        }
        return sorted;
    }

    /** Walks the comments alongside a pass over the capture. */
    public final class Cursor {
        private final long[] keys;
        private int next;

        private Cursor(long[] keys) {
            this.keys = keys;
        }

        /**
         * Adds to {@code into} the comments on frame {@code frame}; frames must be asked for in
         * increasing order (comments on frames skipped over are dropped). Returns how many.
         */
        public int commentsOn(long frame, List<String> into) {
            while (next < keys.length && keys[next] >>> INDEX_BITS < frame) next++;
            int added = 0;
            int more = 0;
            while (next < keys.length && keys[next] >>> INDEX_BITS == frame) {
                int i = (int) (keys[next++] & ((1L << INDEX_BITS) - 1));
                if (added < MAX_PER_FRAME) {
                    into.add(text(findingOf[i], what[i]));
                    added++;
                } else {
                    more++;
                }
            }
            if (more > 0) {
                into.add("gatelens: " + more + " more finding" + (more == 1 ? " cites" : "s cite")
                        + " this frame (see gatelens analyze)");
                added++;
            }
            return added;
        }
    }

    private String text(int finding, String shows) {
        StringBuilder s = new StringBuilder(200).append("gatelens: finding ").append(finding + 1).append(' ')
                .append(CAUSES[cause[finding]].id()).append(" (").append(SEVERITIES[severity[finding]].id())
                .append("): ");
        if (shows != null) {
            s.append(Escape.text(shows));
        } else {
            int status = clientStatus[finding];
            s.append(status >= 0 ? "the client got " + status + " here" : "the client got no valid status line here");
        }
        if (!sentence[finding].isEmpty()) s.append(DASH).append(Escape.text(sentence[finding]));
        return cut(s.toString(), MAX_COMMENT_BYTES);
    }

    /**
     * The explanation's first sentence: up to the first full stop that ends the text or is
     * followed by a space and a letter, unless it ends an abbreviation ("e.g. a"); a stop inside a
     * number ("28.8 ms") is not followed by a space. Detectors join their sentences with ". ",
     * and a sentence may begin with a lower-case name ("nginx answers 502").
     */
    static String firstSentence(String explanation) {
        if (explanation == null) return "";
        String s = explanation.strip();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '.') continue;
            if (i + 1 == s.length()) return s;
            if (s.charAt(i + 1) == ' ' && i + 2 < s.length() && Character.isLetter(s.charAt(i + 2))
                    && !abbreviation(s, i)) {
                return s.substring(0, i + 1);
            }
        }
        return s;
    }

    private static final List<String> ABBREVIATIONS = List.of("e.g", "i.e", "etc", "vs", "cf");

    /** Whether the word that ends at the stop {@code dot} is an abbreviation. */
    private static boolean abbreviation(String s, int dot) {
        int start = dot;
        while (start > 0 && s.charAt(start - 1) != ' ' && s.charAt(start - 1) != '(') start--;
        return ABBREVIATIONS.contains(s.substring(start, dot).toLowerCase(java.util.Locale.ROOT));
    }

    /** {@code s} in at most {@code maxBytes} of UTF-8, cut at a character and marked "...". */
    static String cut(String s, int maxBytes) {
        if (s.length() * 3 <= maxBytes || s.getBytes(StandardCharsets.UTF_8).length <= maxBytes) return s;
        int budget = maxBytes - 3;
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + len > budget) break;
            bytes += len;
            i += Character.charCount(cp);
        }
        return s.substring(0, i) + "...";
    }
}

package io.gatelens.capture.file;

/**
 * When a capture moves on to its next file, as tcpdump's {@code -C}, {@code -G} and {@code -W}.
 *
 * @param maxBytes     {@code -C}: before a packet is written, a file already larger than this
 *                     is closed and the next one opened; 0 for no size limit
 * @param everySeconds {@code -G}: a new file every this many seconds; 0 for none
 * @param fileCount    {@code -W}: with {@code -C}, a ring of this many files; with {@code -G}
 *                     alone, the capture ends after this many files; 0 for unlimited
 */
public record Rotation(long maxBytes, long everySeconds, int fileCount) {
    /** One file, written until the capture ends. */
    public static final Rotation NONE = new Rotation(0, 0, 0);

    public Rotation {
        if (maxBytes < 0 || everySeconds < 0 || fileCount < 0) {
            throw new IllegalArgumentException("negative rotation limit: " + maxBytes + " bytes, "
                    + everySeconds + " s, " + fileCount + " files");
        }
        if (everySeconds > Long.MAX_VALUE / 1_000_000_000L) {
            throw new IllegalArgumentException("rotation period " + everySeconds + " s is too long");
        }
        if (fileCount > 0 && maxBytes == 0 && everySeconds == 0) {
            // tcpdump silently ignores -W here; a user who typed it expects a limit, so say so.
            throw new IllegalArgumentException("a file count (-W) needs a size (-C) or a period (-G)");
        }
    }

    /**
     * tcpdump's {@code -C} argument in bytes: a plain number counts millions of bytes
     * (1,000,000, not 1,048,576); a {@code k}, {@code m} or {@code g} suffix counts KiB, MiB or
     * GiB instead.
     */
    public static long fileSizeBytes(String argument) {
        String s = argument.trim();
        long unit = 1_000_000L;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                default -> unit = 0;
            }
            if (unit != 0) {
                s = s.substring(0, s.length() - 1);
            } else {
                unit = 1_000_000L;
            }
        }
        long n;
        try {
            n = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid file size '" + argument + "'");
        }
        if (n <= 0) {
            throw new IllegalArgumentException("invalid file size '" + argument + "' (must be above 0)");
        }
        if (n > Long.MAX_VALUE / unit) {
            throw new IllegalArgumentException("file size '" + argument + "' is too large");
        }
        return n * unit;
    }
}

package io.gatelens.flow;

import java.util.Arrays;

/**
 * An IP address and TCP port. Immutable; made once per connection, never per packet. Printed as
 * "ip:port", IPv6 in brackets ("[::1]:8080"), the form curl, nginx and Zeek use.
 */
public final class Endpoint {
    private final byte[] address;
    private final int port;
    /** "ip:port", made on first use: reports print it on every row of the connection. */
    private String text;

    public Endpoint(byte[] address, int addressLength, int port) {
        this.address = Arrays.copyOf(address, addressLength);
        this.port = port;
    }

    public int port() { return port; }

    public boolean isIpv6() { return address.length == 16; }

    public String address() { return addressText(address); }

    boolean addressEquals(byte[] other, int length) {
        if (length != address.length) return false;
        for (int i = 0; i < length; i++) if (other[i] != address[i]) return false;
        return true;
    }

    @Override
    public String toString() {
        if (text == null) {
            String ip = addressText(address);
            text = address.length == 16 ? "[" + ip + "]:" + port : ip + ":" + port;
        }
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && e.port == port && Arrays.equals(e.address, address);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(address) * 31 + port; }

    /** Dotted quad, or RFC 5952 IPv6 text: lower case, longest zero run (of two or more) as "::". */
    static String addressText(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}

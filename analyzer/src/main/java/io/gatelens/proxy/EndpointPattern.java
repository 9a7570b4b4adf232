package io.gatelens.proxy;

import io.gatelens.flow.Endpoint;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A server endpoint the user names with {@code --proxy} or {@code --upstream}: {@code IP:PORT},
 * {@code [IPv6]:PORT}, {@code localhost:PORT}, or {@code *:PORT} / {@code :PORT} / {@code PORT}
 * for the port on any address (on loopback, or when the proxy listens on several addresses).
 * Host names other than localhost are refused rather than resolved: a capture holds addresses,
 * and a DNS answer today need not be the address in a capture taken last week.
 */
public final class EndpointPattern {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Normalised address texts (as {@link Endpoint#address()} prints them); empty: any address. */
    private final String[] addresses;
    private final int port;
    private final String text;

    private EndpointPattern(String[] addresses, int port, String text) {
        this.addresses = addresses;
        this.port = port;
        this.text = text;
    }

    /** Parses {@code s}; throws {@link IllegalArgumentException} with a message for the user. */
    public static EndpointPattern parse(String s) {
        String in = s.trim();
        String host;
        String portText;
        if (in.startsWith("[")) {
            int close = in.indexOf(']');
            if (close < 0 || close + 1 >= in.length() || in.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + s + "': expected [IPv6]:PORT");
            }
            host = in.substring(1, close);
            portText = in.substring(close + 2);
        } else {
            int colon = in.lastIndexOf(':');
            if (colon < 0) {
                host = "*";
                portText = in;
            } else {
                host = in.substring(0, colon);
                portText = in.substring(colon + 1);
                if (host.indexOf(':') >= 0) {
                    throw new IllegalArgumentException("'" + s + "': write an IPv6 address in brackets, [::1]:8080");
                }
            }
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "': the port is not a number");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("'" + s + "': the port must be 1 to 65535");
        String[] addresses;
        if (host.isEmpty() || host.equals("*")) {
            addresses = new String[0];
        } else if (host.equalsIgnoreCase("localhost")) {
            addresses = new String[] {"127.0.0.1", "::1"};
        } else if (IPV4.matcher(host).matches() || host.indexOf(':') >= 0) {
            addresses = new String[] {literal(host, s)};
        } else {
            throw new IllegalArgumentException("'" + s + "': give an IP address, not a host name");
        }
        String text = addresses.length == 0 ? "*:" + port
                : addresses.length == 1 && addresses[0].indexOf(':') >= 0 ? "[" + addresses[0] + "]:" + port
                : host.toLowerCase(Locale.ROOT) + ":" + port;
        return new EndpointPattern(addresses, port, text);
    }

    /** The address as Endpoint prints it; InetAddress does not look a literal up in DNS. */
    private static String literal(String host, String original) {
        try {
            byte[] a = InetAddress.getByName(host).getAddress();
            return new Endpoint(a, a.length, 0).address();
        } catch (UnknownHostException | SecurityException e) {
            throw new IllegalArgumentException("'" + original + "': not an IP address");
        }
    }

    public boolean matches(String addressText, int port) {
        if (port != this.port) return false;
        if (addresses.length == 0) return true;
        for (String a : addresses) if (a.equals(addressText)) return true;
        return false;
    }

    public int port() { return port; }

    @Override
    public String toString() { return text; }
}

package io.gatelens.proxy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class EndpointPatternTest {
    @Test
    void theFormsUsersWrite() {
        EndpointPattern v4 = EndpointPattern.parse("10.0.0.5:8080");
        assertTrue(v4.matches("10.0.0.5", 8080));
        assertFalse(v4.matches("10.0.0.6", 8080));
        assertFalse(v4.matches("10.0.0.5", 8081));
        assertEquals("10.0.0.5:8080", v4.toString());

        // IPv6 written any legal way matches the capture's RFC 5952 text.
        EndpointPattern v6 = EndpointPattern.parse("[2001:DB8:0:0:0:0:0:1]:443");
        assertTrue(v6.matches("2001:db8::1", 443));
        assertEquals("[2001:db8::1]:443", v6.toString());

        for (String any : new String[] {"*:8080", ":8080", "8080"}) {
            EndpointPattern p = EndpointPattern.parse(any);
            assertTrue(p.matches("127.0.0.1", 8080), any);
            assertTrue(p.matches("::1", 8080), any);
            assertEquals("*:8080", p.toString());
        }
        EndpointPattern local = EndpointPattern.parse("localhost:80");
        assertTrue(local.matches("127.0.0.1", 80));
        assertTrue(local.matches("::1", 80));
    }

    @Test
    void whatIsRefusedSaysWhy() {
        assertMessage("proxy.internal:80", "not a host name");
        assertMessage("::1:80", "brackets");
        assertMessage("10.0.0.1:http", "not a number");
        assertMessage("10.0.0.1:0", "1 to 65535");
        assertMessage("10.0.0.1:65536", "1 to 65535");
        assertMessage("[::1]80", "[IPv6]:PORT");
        assertMessage("999.1.1.1:80", "not an IP address");
    }

    private static void assertMessage(String in, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EndpointPattern.parse(in));
        assertTrue(e.getMessage().contains(part), in + ": " + e.getMessage());
    }
}

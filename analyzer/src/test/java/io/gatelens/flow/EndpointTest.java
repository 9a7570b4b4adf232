package io.gatelens.flow;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EndpointTest {
    private static String text(String ip, int port) throws Exception {
        byte[] a = InetAddress.getByName(ip).getAddress();
        return new Endpoint(a, a.length, port).toString();
    }

    @Test
    void ipv4AsDottedQuad() throws Exception {
        assertEquals("127.0.0.1:8080", text("127.0.0.1", 8080));
        assertEquals("255.0.10.1:1", text("255.0.10.1", 1));
    }

    @Test
    void ipv6InBracketsWithTheLongestZeroRunCompressed() throws Exception {
        assertEquals("[::1]:80", text("::1", 80));
        assertEquals("[2001:db8::1:0:0:1]:443", text("2001:db8:0:0:1:0:0:1", 443));
        assertEquals("[2001:db8:0:1:1:1:1:1]:443", text("2001:db8:0:1:1:1:1:1", 443)); // one zero group stays
        assertEquals("[::]:0", text("::", 0));
        assertEquals("[fe80::]:9", text("fe80::", 9));
    }
}

package io.gatelens.capture.live;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class LiveInterfacesTest {
    @Test
    void ipv6AddressesAreWrittenShortAsTcpdumpWritesThem() {
        assertEquals("::1", LiveInterfaces.strip("0:0:0:0:0:0:0:1"));
        assertEquals("fd00::2", LiveInterfaces.strip("fd00:0:0:0:0:0:0:2"));
        assertEquals("fe80::fc:ff:fe00:1", LiveInterfaces.strip("fe80:0:0:0:fc:ff:fe00:1%eth0"));
        assertEquals("2001:db8:0:1:1:1:1:1", LiveInterfaces.strip("2001:db8:0:1:1:1:1:1"), "a single zero group stays");
        assertEquals("2001:0:0:1::1", LiveInterfaces.strip("2001:0:0:1:0:0:0:1"), "the longest run is the one shortened");
        assertEquals("::", LiveInterfaces.strip("0:0:0:0:0:0:0:0"));
    }

    @Test
    void dashIFindsByNameOrNumberAndDefaultsToTheFirstUpNonLoopback() {
        LiveInterface lo = new LiveInterface(1, "lo", "", List.of("127.0.0.1/8"), true, true, true);
        LiveInterface down = new LiveInterface(2, "eth1", "", List.of(), false, false, false);
        LiveInterface any = new LiveInterface(3, "any", "all", List.of(), false, true, true);
        LiveInterface eth0 = new LiveInterface(4, "eth0", "", List.of("192.0.2.2/24"), false, true, true);
        List<LiveInterface> all = List.of(lo, down, any, eth0);
        assertSame(eth0, LiveInterfaces.find(all, null));
        assertSame(lo, LiveInterfaces.find(all, "lo"));
        assertSame(down, LiveInterfaces.find(all, "2"));
        assertNull(LiveInterfaces.find(all, "5"));
        assertNull(LiveInterfaces.find(all, "wlan0"));
        assertSame(lo, LiveInterfaces.find(List.of(lo), null), "with nothing else up, the first");
        assertEquals("Loopback, Up, Running", lo.flags());
        assertEquals("", down.flags());
    }
}

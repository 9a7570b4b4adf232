package io.gatelens.capture.live;

import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;

import java.net.InetAddress;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;

/** The devices libpcap offers (pcap_findalldevs), in its order. */
public final class LiveInterfaces {
    private LiveInterfaces() {}

    public static List<LiveInterface> list() throws LiveCaptureException {
        List<PcapNetworkInterface> devices;
        try {
            devices = Pcaps.findAllDevs();
        } catch (LinkageError e) {
            throw Libpcap.notLoadable(e);
        } catch (PcapNativeException e) {
            throw new LiveCaptureException(LiveCaptureException.Kind.FAILED,
                    "cannot list interfaces: " + Libpcap.message(e), e);
        }
        List<LiveInterface> out = new ArrayList<>(devices.size());
        int number = 1;
        for (PcapNetworkInterface d : devices) {
            List<String> addresses = new ArrayList<>();
            for (PcapAddress a : d.getAddresses()) {
                InetAddress address = a.getAddress();
                if (address == null) continue;
                String text = address instanceof Inet6Address v6 ? strip(v6.getHostAddress()) : address.getHostAddress();
                int prefix = prefix(a.getNetmask());
                addresses.add(prefix >= 0 ? text + "/" + prefix : text);
            }
            out.add(new LiveInterface(number++, d.getName(), d.getDescription() == null ? "" : d.getDescription(),
                    List.copyOf(addresses), d.isLoopBack(), d.isUp(), d.isRunning()));
        }
        return out;
    }

    /**
     * The device {@code -i} names: a name, or a number from the list as tcpdump takes it; null
     * when there is none such. With no name, tcpdump's choice: the first device that is up and
     * not loopback, else the first.
     */
    public static LiveInterface find(List<LiveInterface> all, String nameOrNumber) {
        if (nameOrNumber == null) {
            for (LiveInterface i : all) if (i.up() && !i.loopback() && !i.name().equals("any")) return i;
            return all.isEmpty() ? null : all.get(0);
        }
        for (LiveInterface i : all) if (i.name().equals(nameOrNumber)) return i;
        if (nameOrNumber.matches("[0-9]{1,6}")) {
            int n = Integer.parseInt(nameOrNumber);
            if (n >= 1 && n <= all.size()) return all.get(n - 1);
        }
        return null;
    }

    /**
     * RFC 5952's short form (Java writes every group): the longest run of two or more zero groups
     * becomes "::". The scope suffix (fe80::1%lo) names the interface itself and is left out.
     */
    static String strip(String v6) {
        int pct = v6.indexOf('%');
        String[] groups = (pct < 0 ? v6 : v6.substring(0, pct)).split(":");
        int bestAt = -1, bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            if (!groups[i].equals("0")) { i++; continue; }
            int j = i;
            while (j < groups.length && groups[j].equals("0")) j++;
            if (j - i > bestLength) { bestAt = i; bestLength = j - i; }
            i = j;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < groups.length; i++) {
            if (i == bestAt) {
                b.append("::");
                i += bestLength - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') b.append(':');
            b.append(groups[i]);
        }
        return b.toString();
    }

    private static int prefix(InetAddress netmask) {
        if (netmask == null) return -1;
        int bits = 0;
        for (byte b : netmask.getAddress()) bits += Integer.bitCount(b & 0xff);
        return bits;
    }
}

package io.gatelens.capture.live;

/**
 * libpcap's counters (pcap_stats) and gatelens's own, as tcpdump prints them at the end.
 *
 * @param captured          packets handed to gatelens
 * @param receivedByFilter  packets that passed the filter in the kernel (Linux counts them whether
 *                          or not they were then dropped)
 * @param droppedByKernel   packets the kernel dropped because its buffer was full: gatelens (or the
 *                          disk) did not keep up
 * @param droppedByInterface packets the interface or its driver dropped before the kernel saw them
 */
public record LiveStats(long captured, long receivedByFilter, long droppedByKernel, long droppedByInterface) {
    public static final LiveStats NONE = new LiveStats(0, 0, 0, 0);
}

package io.gatelens.http;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.tcp.Direction;

import java.util.ArrayList;
import java.util.List;

/**
 * One request and its response on a connection. Frames and times are those of the first and last
 * byte of each message; -1 where that message (or byte) was never seen.
 *
 * @param index          0-based, in order on the connection
 * @param request        null when a response came with no request seen (capture began mid-connection)
 * @param response       the final response head, or null
 * @param interim        1xx responses before it (100 Continue, 103 Early Hints)
 * @param requestEnd     how the request message ended, or null when its end was not seen
 * @param responseEnd    how the response message ended, or null
 * @param resetBy        for {@link TransactionEnd#CONNECTION_RESET}: the side that sent the reset
 * @param closedFirstBy  for {@link TransactionEnd#CLOSED_EARLY}: the side whose FIN came first (a
 *                       client that gave up waiting, or a server that closed without answering)
 * @param tunnelBytesClientToServer bytes after a 101 or CONNECT 2xx, client to server
 * @param anomalies      anomalies whose bytes fell inside this exchange
 */
public record Transaction(long connection, int index, RequestHead request, ResponseHead response,
                          List<ResponseHead> interim, long requestBodyBytes, long responseBodyBytes,
                          long requestFirstFrame, long requestFirstNanos, long requestLastFrame, long requestLastNanos,
                          long responseFirstFrame, long responseFirstNanos, long responseLastFrame, long responseLastNanos,
                          MessageEnd.How requestEnd, MessageEnd.How responseEnd,
                          TransactionEnd end, Direction resetBy, Direction closedFirstBy,
                          long tunnelBytesClientToServer, long tunnelBytesServerToClient,
                          List<Anomaly> anomalies) {
    public Transaction {
        interim = List.copyOf(interim);
        anomalies = List.copyOf(anomalies);
    }

    /** Status of the final response, or -1. */
    public int status() {
        return response == null ? -1 : response.status();
    }

    public List<Integer> interimStatuses() {
        List<Integer> out = new ArrayList<>(interim.size());
        for (ResponseHead h : interim) out.add(h.status());
        return out;
    }
}

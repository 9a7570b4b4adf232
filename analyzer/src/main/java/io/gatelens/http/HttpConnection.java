package io.gatelens.http;

import io.gatelens.anomaly.Anomaly;
import io.gatelens.anomaly.AnomalyCode;
import io.gatelens.anomaly.AnomalySink;
import io.gatelens.tcp.Direction;
import io.gatelens.tcp.StreamListener;
import io.gatelens.tcp.TcpStats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP/1.x on one TCP connection: client bytes go to a request parser, server bytes to a response
 * parser, and responses are paired with requests first in, first out (pipelining, RFC 9112
 * section 9.3). Interim 1xx responses are attached to the request they precede. Each exchange is
 * handed to the {@link TransactionSink} once both its messages are over (or the connection is),
 * in index order; anomalies inside an exchange travel with it, the others go to the
 * {@link AnomalySink}.
 *
 * <p>After a 101 or a 2xx to CONNECT every later byte of both directions goes to the
 * {@link UpgradeHandlerFactory}'s listener, or is only counted.
 */
public final class HttpConnection implements StreamListener {
    /** Anomalies kept back while a head is being read, to be attached to it once it is complete. */
    private static final int STRAY_MAX = 64;
    /**
     * Exchanges held at once. A client that pipelines without ever being answered would otherwise
     * grow the queue without bound; past this the oldest is handed on unanswered and the response
     * that eventually answers it is recorded without its request.
     */
    static final int OPEN_MAX = 1024;
    static final int EXCHANGE_ANOMALIES_MAX = 256;

    private final long id;
    private final TransactionSink sink;
    private final AnomalySink anomalies;
    private final UpgradeHandlerFactory upgrades;
    private final HttpParser requests;
    private final HttpParser responses;

    /** Exchanges not yet handed on, in index order. */
    private final ArrayDeque<Exchange> open = new ArrayDeque<>();
    /** Exchanges whose final response has not begun, oldest first. */
    private final ArrayDeque<Exchange> awaiting = new ArrayDeque<>();
    private final List<Anomaly> strayRequest = new ArrayList<>();
    private final List<Anomaly> strayResponse = new ArrayList<>();
    private Exchange currentRequest;
    private Exchange currentResponse;
    private boolean interimOpen;
    private Exchange upgrade;
    private StreamListener handler;
    private int nextIndex;
    /** Final responses still owed to exchanges handed on early (see OPEN_MAX). */
    private long owedToForgotten;
    private boolean clientFin;
    /** Whose FIN came first on this connection, or null before any. */
    private Direction firstFin;
    private boolean serverFin;
    private Direction resetBy;
    private boolean serverFinBeforeReset;
    private boolean closed;

    public HttpConnection(long connectionId, TransactionSink sink, AnomalySink anomalies, HttpLimits limits,
                          UpgradeHandlerFactory upgrades) {
        this.id = connectionId;
        this.sink = sink;
        this.anomalies = anomalies;
        this.upgrades = upgrades != null ? upgrades : UpgradeHandlerFactory.NONE;
        this.requests = new HttpParser(HttpParser.Mode.REQUEST, connectionId, Direction.CLIENT_TO_SERVER, limits,
                new RequestEvents(), null);
        this.responses = new HttpParser(HttpParser.Mode.RESPONSE, connectionId, Direction.SERVER_TO_CLIENT, limits,
                new ResponseEvents(), this::methodOfNextResponse);
    }

    private HttpParser parser(Direction dir) {
        return dir == Direction.CLIENT_TO_SERVER ? requests : responses;
    }

    /** Bytes of each direction neither parsed nor handed on (not HTTP, skipped while resynchronising). */
    public long ignoredBytes(Direction dir) {
        return parser(dir).ignoredBytes();
    }

    // ------------------------------------------------------------------ StreamListener

    @Override
    public void data(Direction dir, byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
        parser(dir).data(buf, off, len, streamOffset, frame, nanos);
    }

    @Override
    public void gap(Direction dir, long streamOffset, long length, long frame, long nanos) {
        parser(dir).gap(streamOffset, length, frame, nanos);
    }

    @Override
    public void fin(Direction dir, long frame, long nanos) {
        if (firstFin == null) firstFin = dir;
        if (dir == Direction.CLIENT_TO_SERVER) {
            clientFin = true;
        } else {
            serverFin = true;
            if (resetBy == null) serverFinBeforeReset = true;
        }
        parser(dir).end(EndKind.FIN, frame, nanos);
        if (handler != null) handler.fin(dir, frame, nanos);
        flush();
    }

    @Override
    public void reset(Direction dir, boolean afterFin, long frame, long nanos) {
        if (resetBy == null) resetBy = dir;
        // Nothing more comes either way after a reset.
        requests.end(EndKind.RESET, frame, nanos);
        responses.end(EndKind.RESET, frame, nanos);
        if (handler != null) handler.reset(dir, afterFin, frame, nanos);
        flush();
    }

    @Override
    public void closed(TcpStats stats) {
        if (closed) return;
        requests.end(EndKind.CAPTURE_END, -1, -1);
        responses.end(EndKind.CAPTURE_END, -1, -1);
        closed = true;
        flush();
        straysToSink(strayRequest);
        straysToSink(strayResponse);
        if (handler != null) handler.closed(stats);
    }

    /** Anomalies from the TCP layer: kept with the exchange their bytes belong to, as HTTP ones are. */
    @Override
    public void anomaly(Anomaly a) {
        if (a.direction() == Direction.CLIENT_TO_SERVER) {
            requestAnomaly(a);
        } else if (a.direction() == Direction.SERVER_TO_CLIENT) {
            responseAnomaly(a);
        } else {
            anomalies.anomaly(a);
        }
    }

    // ------------------------------------------------------------------ pairing

    private String methodOfNextResponse() {
        if (owedToForgotten > 0) return null;
        Exchange e = awaiting.peekFirst();
        return e == null || e.request == null ? null : e.request.method();
    }

    private Exchange newExchange(RequestHead request) {
        Exchange e = new Exchange(nextIndex++, request);
        open.add(e);
        awaiting.add(e);
        if (open.size() > OPEN_MAX) {
            Exchange old = open.pollFirst();
            if (awaiting.remove(old)) owedToForgotten++;
            if (old == currentRequest) currentRequest = null;
            if (old == currentResponse) currentResponse = null;
            sink.transaction(old.toTransaction());
        }
        return e;
    }

    private void requestAnomaly(Anomaly a) {
        if (currentRequest != null) {
            attach(currentRequest, a);
        } else if (requests.inMessage()) {
            keepStray(strayRequest, a);
        } else {
            straysToSink(strayRequest);
            anomalies.anomaly(a);
        }
    }

    private void responseAnomaly(Anomaly a) {
        if (currentResponse != null) {
            attach(currentResponse, a);
        } else if (!awaiting.isEmpty()) {
            // Between a request and its answer: whatever went wrong belongs to that exchange.
            Exchange e = awaiting.peekFirst();
            attach(e, a);
            if (a.code() == AnomalyCode.HTTP_CUT_BY_GAP) e.responseCut = true;
        } else if (responses.inMessage()) {
            keepStray(strayResponse, a);
        } else {
            straysToSink(strayResponse);
            anomalies.anomaly(a);
        }
    }

    /** Past a cap (a long lossy body can bring one TCP gap after another) the rest go to the sink. */
    private void attach(Exchange e, Anomaly a) {
        if (e.anomalies.size() < EXCHANGE_ANOMALIES_MAX) {
            e.anomalies.add(a);
        } else {
            anomalies.anomaly(a);
        }
    }

    /** The head they were kept for was abandoned: they belong to no exchange. */
    private void straysToSink(List<Anomaly> stray) {
        for (Anomaly a : stray) anomalies.anomaly(a);
        stray.clear();
    }

    private void keepStray(List<Anomaly> stray, Anomaly a) {
        if (stray.size() >= STRAY_MAX) {
            anomalies.anomaly(stray.remove(0));
        }
        stray.add(a);
    }

    /** Anomalies kept back that lie inside the head starting at {@code offset} go to {@code e}; earlier ones are stray. */
    private void claimStray(List<Anomaly> stray, long offset, Exchange e) {
        for (Anomaly a : stray) {
            if (a.streamOffset() >= offset) {
                attach(e, a);
            } else {
                anomalies.anomaly(a);
            }
        }
        stray.clear();
    }

    private static boolean opensTunnel(RequestHead r) {
        return r != null && ("CONNECT".equals(r.method()) || r.headers().get("Upgrade") != null);
    }

    private final class RequestEvents implements HttpListener {
        @Override
        public void requestHead(RequestHead head) {
            Exchange e = newExchange(head);
            currentRequest = e;
            claimStray(strayRequest, head.streamOffset(), e);
        }

        @Override
        public void responseHead(ResponseHead head) {
        }

        @Override
        public void messageEnd(MessageEnd end) {
            if (currentRequest == null) return;
            currentRequest.requestEnd = end;
            currentRequest = null;
            flush();
        }

        @Override
        public void anomaly(Anomaly a) {
            requestAnomaly(a);
        }

        @Override
        public void passthrough(byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
            if (upgrade != null) upgrade.tunnelC2S += len;
            if (handler != null) handler.data(Direction.CLIENT_TO_SERVER, buf, off, len, streamOffset, frame, nanos);
        }

        @Override
        public void passthroughGap(long streamOffset, long length, long frame, long nanos) {
            if (handler != null) handler.gap(Direction.CLIENT_TO_SERVER, streamOffset, length, frame, nanos);
        }
    }

    private final class ResponseEvents implements HttpListener {
        @Override
        public void requestHead(RequestHead head) {
        }

        @Override
        public void responseHead(ResponseHead head) {
            if (head.interim()) {
                Exchange e = awaiting.peekFirst();
                if (e == null) e = newExchange(null);
                e.interim.add(head);
                claimStray(strayResponse, head.streamOffset(), e);
                interimOpen = true;
                return;
            }
            Exchange e;
            if (owedToForgotten > 0) {
                owedToForgotten--;
                e = newExchange(null);
                awaiting.remove(e);
            } else {
                e = awaiting.pollFirst();
            }
            if (e == null) {
                e = newExchange(null);
                awaiting.remove(e);
                attach(e, new Anomaly(AnomalyCode.HTTP_RESPONSE_WITHOUT_REQUEST, id, Direction.SERVER_TO_CLIENT,
                        head.frame(), head.nanos(), head.streamOffset(), "status " + head.status()));
            }
            claimStray(strayResponse, head.streamOffset(), e);
            e.response = head;
            currentResponse = e;
            boolean switched = head.status() == 101
                    || (e.request != null && "CONNECT".equals(e.request.method()) && head.status() / 100 == 2);
            if (switched) {
                upgrade = e;
                if (head.status() == 101) handler = upgrades.create(id, e.request, head);
                requests.switchToPassthrough();
            } else if (opensTunnel(e.request)) {
                requests.resumeHttp();
            }
        }

        @Override
        public void messageEnd(MessageEnd end) {
            if (interimOpen) {
                interimOpen = false;
                return;
            }
            if (currentResponse == null) return;
            currentResponse.responseEnd = end;
            currentResponse = null;
            flush();
        }

        @Override
        public void anomaly(Anomaly a) {
            responseAnomaly(a);
        }

        @Override
        public void passthrough(byte[] buf, int off, int len, long streamOffset, long frame, long nanos) {
            if (upgrade != null) upgrade.tunnelS2C += len;
            if (handler != null) handler.data(Direction.SERVER_TO_CLIENT, buf, off, len, streamOffset, frame, nanos);
        }

        @Override
        public void passthroughGap(long streamOffset, long length, long frame, long nanos) {
            if (handler != null) handler.gap(Direction.SERVER_TO_CLIENT, streamOffset, length, frame, nanos);
        }
    }

    // ------------------------------------------------------------------ hand-off

    private boolean done(Exchange e) {
        if (closed) return true;
        if (e == upgrade) return false; // its tunnel byte counts grow until the end
        boolean requestOver = e.request == null || e.requestEnd != null || requests.ended();
        boolean responseOver = (e.response != null && e.responseEnd != null) || responses.ended();
        return requestOver && responseOver;
    }

    private void flush() {
        while (!open.isEmpty() && done(open.peekFirst())) {
            Exchange e = open.pollFirst();
            awaiting.remove(e);
            if (e == currentRequest) currentRequest = null;
            if (e == currentResponse) currentResponse = null;
            sink.transaction(e.toTransaction());
        }
    }

    private TransactionEnd endOf(Exchange e) {
        if (e.response != null) {
            if (e == upgrade) {
                if (e.response.status() != 101) return TransactionEnd.TUNNEL;
                boolean ws = e.response.headers().hasToken("Upgrade", "websocket")
                        || (e.request != null && e.request.headers().hasToken("Upgrade", "websocket"));
                return ws ? TransactionEnd.WEBSOCKET_UPGRADED : TransactionEnd.UPGRADED;
            }
            MessageEnd r = e.responseEnd;
            if (r == null) return TransactionEnd.CAPTURE_ENDED;
            switch (r.how()) {
                case COMPLETE:
                    boolean gap = r.cutByGap() || (e.requestEnd != null && e.requestEnd.cutByGap());
                    return gap ? TransactionEnd.CUT_BY_GAP : TransactionEnd.COMPLETE;
                case TRUNCATED:
                    return r.endKind() == EndKind.RESET ? TransactionEnd.CONNECTION_RESET : TransactionEnd.BODY_TRUNCATED;
                case UNFINISHED:
                    return TransactionEnd.CAPTURE_ENDED;
                case MALFORMED:
                    return TransactionEnd.BODY_MALFORMED;
                default:
                    return TransactionEnd.CUT_BY_GAP;
            }
        }
        if (e.responseCut || (e.requestEnd != null && e.requestEnd.how() == MessageEnd.How.CUT_BY_GAP)) {
            return TransactionEnd.CUT_BY_GAP;
        }
        if (resetBy != null && !serverFinBeforeReset) return TransactionEnd.CONNECTION_RESET;
        if (clientFin || serverFin) return TransactionEnd.CLOSED_EARLY;
        return TransactionEnd.NO_RESPONSE;
    }

    private final class Exchange {
        final int index;
        final RequestHead request;
        final List<ResponseHead> interim = new ArrayList<>(1);
        final List<Anomaly> anomalies = new ArrayList<>(0);
        ResponseHead response;
        MessageEnd requestEnd;
        MessageEnd responseEnd;
        boolean responseCut;
        long tunnelC2S;
        long tunnelS2C;

        Exchange(int index, RequestHead request) {
            this.index = index;
            this.request = request;
        }

        Transaction toTransaction() {
            TransactionEnd end = endOf(this);
            return new Transaction(id, index, request, response, interim,
                    requestEnd == null ? 0 : requestEnd.bodyBytes(),
                    responseEnd == null ? 0 : responseEnd.bodyBytes(),
                    request == null ? -1 : request.frame(), request == null ? -1 : request.nanos(),
                    requestEnd == null ? -1 : requestEnd.lastFrame(), requestEnd == null ? -1 : requestEnd.lastNanos(),
                    response == null ? -1 : response.frame(), response == null ? -1 : response.nanos(),
                    responseEnd == null ? -1 : responseEnd.lastFrame(), responseEnd == null ? -1 : responseEnd.lastNanos(),
                    requestEnd == null ? null : requestEnd.how(), responseEnd == null ? null : responseEnd.how(),
                    end, end == TransactionEnd.CONNECTION_RESET ? resetBy : null,
                    end == TransactionEnd.CLOSED_EARLY ? firstFin : null,
                    tunnelC2S, tunnelS2C, anomalies);
        }
    }
}

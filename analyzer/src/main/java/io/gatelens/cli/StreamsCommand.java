package io.gatelens.cli;

import io.gatelens.flow.InIdOrder;
import io.gatelens.pipeline.Passes;
import io.gatelens.pipeline.StreamSummary;
import io.gatelens.report.StreamsReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "streams", mixinStandardHelpOptions = true,
        description = "The TCP view of each connection after reassembly: retransmissions, out-of-order "
                + "segments, gaps (bytes the capture missed), zero windows, SYN retransmissions, "
                + "handshake round-trip time and how it ended.")
final class StreamsCommand extends CaptureCommand implements Callable<Integer> {
    @Mixin
    OutputFormat format;

    @Override
    public Integer call() throws Exception {
        Passes.Result result;
        InIdOrder<StreamSummary> ordered;
        try (StreamsReport report = format.json() ? StreamsReport.json(out()) : StreamsReport.text(out())) {
            ordered = new InIdOrder<>(InIdOrder.DEFAULT_MAX_HELD, StreamSummary::id, report);
            result = Passes.tcpStats(file, maxConnections(), ordered, progress());
        }
        warnOutOfOrder(ordered);
        return finish(result.summary(), result.flows());
    }
}

package io.gatelens.cli;

import io.gatelens.flow.Connection;
import io.gatelens.flow.FlowTable;
import io.gatelens.flow.InIdOrder;
import io.gatelens.pipeline.CaptureSummary;
import io.gatelens.report.ConversationsReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "conversations", mixinStandardHelpOptions = true,
        description = "One row per TCP connection: client, server, frames, payload bytes each way, "
                + "start, duration and how it ended. The side that sent the SYN is the client; "
                + "without a SYN the lower port is taken as the server's.")
final class ConversationsCommand extends CaptureCommand implements Callable<Integer> {
    @Mixin
    OutputFormat format;

    @Override
    public Integer call() throws Exception {
        CaptureSummary summary;
        InIdOrder<Connection> ordered;
        FlowTable flows;
        try (ConversationsReport report = format.json() ? ConversationsReport.json(out()) : ConversationsReport.text(out())) {
            ordered = InIdOrder.connections(report);
            flows = newFlowTable(ordered);
            summary = scan(flows);
        }
        warnOutOfOrder(ordered);
        return finish(summary, flows);
    }
}

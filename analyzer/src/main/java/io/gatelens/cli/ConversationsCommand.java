package io.gatelens.cli;

import io.gatelens.flow.FlowTable;
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
        FlowTable flows = new FlowTable();
        CaptureSummary summary = scan(flows);
        ConversationsReport report = new ConversationsReport(flows.connections());
        if (format.json()) report.writeJson(out());
        else report.writeText(out());
        return finish(summary, flows);
    }
}

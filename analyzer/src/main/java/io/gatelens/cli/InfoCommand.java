package io.gatelens.cli;

import io.gatelens.flow.FlowTable;
import io.gatelens.pipeline.CaptureSummary;
import io.gatelens.report.InfoReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "What is in a capture file, as capinfos tells it: format, link types, interfaces, "
                + "frames, bytes, first and last time, frames cut by snaplen, frames skipped and why.")
final class InfoCommand extends CaptureCommand implements Callable<Integer> {
    @Mixin
    OutputFormat format;

    @Override
    public Integer call() throws Exception {
        FlowTable flows = newFlowTable(c -> { });
        CaptureSummary summary = scan(flows);
        InfoReport report = new InfoReport(summary, flows.connectionCount());
        if (format.json()) report.writeJson(out());
        else report.writeText(out());
        return finish(summary, flows);
    }
}

package io.gatelens.cli;

import io.gatelens.http.HttpLimits;
import io.gatelens.pipeline.Passes;
import io.gatelens.report.TransactionsReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "transactions", mixinStandardHelpOptions = true,
        description = "One line per HTTP exchange, recognised by its bytes on any port: connection, "
                + "client, server, request, status, body sizes, time to first byte, total time, how it "
                + "ended, the WebSocket outcome of upgrades, and the protocol anomalies found in it. "
                + "Anomalies outside any exchange get lines of their own.")
final class TransactionsCommand extends CaptureCommand implements Callable<Integer> {
    @Mixin
    OutputFormat format;

    @Override
    public Integer call() throws Exception {
        Passes.Result result;
        try (TransactionsReport report = TransactionsReport.offThread(
                format.json() ? TransactionsReport.json(out()) : TransactionsReport.text(out()))) {
            result = Passes.transactions(file, maxConnections(), HttpLimits.DEFAULT, report::transaction, report::anomaly,
                    progress());
        }
        return finish(result.summary(), result.flows());
    }
}

package io.gatelens.cli;

import io.gatelens.capture.live.LiveCaptureException;
import io.gatelens.capture.live.LiveInterface;
import io.gatelens.capture.live.LiveInterfaces;
import io.gatelens.report.InterfacesReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "interfaces", mixinStandardHelpOptions = true,
        description = "Lists the interfaces 'gatelens capture -i' can capture on, numbered as tcpdump -D numbers "
                + "them, with their addresses and state. Needs libpcap, not root.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed", "2:libpcap missing, or it could not list the interfaces"})
final class InterfacesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    OutputFormat format;

    @Override
    public Integer call() {
        List<LiveInterface> all;
        try {
            all = LiveInterfaces.list();
        } catch (LiveCaptureException e) {
            return LiveCaptureCommand.report(spec.commandLine().getErr(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) InterfacesReport.json(out, all);
        else InterfacesReport.text(out, all);
        out.flush();
        return ExitCodes.OK;
    }
}

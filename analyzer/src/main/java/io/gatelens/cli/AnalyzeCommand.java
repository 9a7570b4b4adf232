package io.gatelens.cli;

import io.gatelens.detect.DetectOptions;
import io.gatelens.http.HttpLimits;
import io.gatelens.pipeline.Passes;
import io.gatelens.proxy.AnalysisSummary;
import io.gatelens.proxy.CorrelationLimits;
import io.gatelens.proxy.EndpointPattern;
import io.gatelens.proxy.ProxyCorrelator;
import io.gatelens.proxy.Roles;
import io.gatelens.report.AnalyzeReport;
import io.gatelens.report.RenderThread;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Says for every 5xx (and every failed exchange) the proxy sent its clients what the "
                + "upstream did to cause it, with the frames that prove it and what to change. Finds the proxy "
                + "and its upstreams in the capture (either leg alone will do); --proxy and --upstream override "
                + "the guess.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:no error-severity finding",
                "1:at least one error-severity finding",
                "2:bad usage, or the input could not be read",
                "3:input damaged part-way; results cover the frames before the damage",
                "70:internal error in gatelens"})
final class AnalyzeCommand extends CaptureCommand implements Callable<Integer> {
    @Mixin
    OutputFormat format;

    @Option(names = "--proxy", paramLabel = "HOST:PORT", converter = PatternConverter.class,
            description = "A listener of the proxy: connections to it are the client leg. Repeatable. "
                    + "HOST is an IP address ([IPv6] in brackets) or localhost; *:PORT or PORT for any address.")
    List<EndpointPattern> proxies = new ArrayList<>();

    @Option(names = "--upstream", paramLabel = "HOST:PORT", converter = PatternConverter.class,
            description = "An upstream of the proxy: connections to it are the upstream leg. Repeatable; same forms "
                    + "as --proxy.")
    List<EndpointPattern> upstreams = new ArrayList<>();

    @Option(names = "--proxy-buffer-size", paramLabel = "BYTES", defaultValue = "4096",
            description = "The proxy's buffer for an upstream response head (nginx proxy_buffer_size, HAProxy "
                    + "tune.bufsize): a larger head is a 502. Default: ${DEFAULT-VALUE}, nginx's on x86-64.")
    int proxyBufferSize;

    @Override
    public Integer call() throws Exception {
        if (proxyBufferSize < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--proxy-buffer-size must be at least 1");
        }
        CorrelationLimits limits = CorrelationLimits.DEFAULT;
        Roles roles = new Roles(proxies, upstreams, limits.maxEndpoints());
        Passes.Result result;
        ProxyCorrelator correlator;
        AnalysisSummary summary;
        try (AnalyzeReport report = format.json() ? AnalyzeReport.json(out()) : AnalyzeReport.text(out(), file.toString())) {
            correlator = new ProxyCorrelator(roles, limits, report);
            // Correlation and the report run on a second thread, beside the pass.
            try (RenderThread render = new RenderThread("gatelens-correlate")) {
                result = Passes.diagnose(file, maxConnections(), HttpLimits.DEFAULT,
                        DetectOptions.DEFAULT.withProxyBufferSize(proxyBufferSize), correlator.through(render),
                        progress());
            }
            correlator.finish();
            summary = correlator.summary();
            report.summary(summary);
        }
        int code = finish(result.summary(), result.flows());
        PrintWriter err = err();
        for (String g : summary.unmatchedGiven()) {
            err.println("gatelens: " + file + ": " + g + " matched no server endpoint in the capture");
        }
        AnalysisSummary.Window w = summary.window();
        if (w.decidedEarly() > 0) {
            err.println("gatelens: " + file + ": more than " + w.maxPending() + " exchanges waited for correlation at once; "
                    + w.decidedEarly() + " were judged before " + w.horizonNanos() / 1_000_000_000L
                    + " s had passed, so a late partner of one may be unmatched");
        }
        err.flush();
        // Damage outranks findings: a finding from a cut file may be an artefact of the cut.
        if (code == ExitCodes.OK && correlator.errors() > 0) code = ExitCodes.PROBLEMS_FOUND;
        return code;
    }

    /** --proxy / --upstream values; a bad one is a usage error (exit 2) naming what is wrong. */
    static final class PatternConverter implements CommandLine.ITypeConverter<EndpointPattern> {
        @Override
        public EndpointPattern convert(String value) {
            try {
                return EndpointPattern.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}

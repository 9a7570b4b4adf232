package io.gatelens.cli;

import io.gatelens.detect.DetectOptions;
import io.gatelens.proxy.CorrelationLimits;
import io.gatelens.proxy.EndpointPattern;
import io.gatelens.proxy.Roles;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** What the diagnosis is told about the proxy: shared by {@code analyze} and {@code capture --analyze}. */
final class DiagnoseOptions {
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

    DetectOptions detectOptions(CommandLine cl) {
        if (proxyBufferSize < 1) {
            throw new CommandLine.ParameterException(cl, "--proxy-buffer-size must be at least 1");
        }
        return DetectOptions.DEFAULT.withProxyBufferSize(proxyBufferSize);
    }

    Roles roles(CorrelationLimits limits) {
        return new Roles(proxies, upstreams, limits.maxEndpoints());
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

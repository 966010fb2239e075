package dev.vclip.cli;

import dev.vclip.cli.base.VclipCommand;
import dev.vclip.verify.MetricCases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

@Command(name = "metrics", mixinStandardHelpOptions = true, description = {"Check the evaluation metrics (retrieval, "
        + "classification, localisation, detection, base-to-novel) against golden cases.",
        "Example: vclip metrics --verify vclip-core/src/test/resources/metrics/cases.json"})
final class MetricsCommand extends VclipCommand {

    @Option(names = "--verify", required = true, paramLabel = "FILE",
            description = "check every case of every section of a metric cases.json file")
    Path verify;

    @Override
    public Integer call() {
        MetricCases.Report report = MetricCases.verify(verify);
        for (MetricCases.CaseResult failure : report.failures()) {
            out().println("FAIL " + failure.displayName() + ": " + failure.message());
        }
        for (Map.Entry<String, long[]> section : report.countsBySection().entrySet()) {
            out().printf("%-26s %d passed, %d failed%n", section.getKey(), section.getValue()[0],
                    section.getValue()[1]);
        }
        for (MetricCases.NotChecked notChecked : report.notChecked()) {
            out().printf("%-26s not checked: %s%n", notChecked.section(), notChecked.reason());
        }
        out().println(report.summary());
        return report.failed() == 0 ? 0 : 1;
    }
}

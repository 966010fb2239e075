package dev.vclip.cli;

import dev.vclip.eval.MetricCases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "metrics", description = "Check the evaluation metrics (retrieval, classification, localisation, "
        + "detection, base-to-novel) against golden cases.")
final class MetricsCommand implements Callable<Integer> {

    @Option(names = "--verify", required = true, paramLabel = "FILE",
            description = "check every case of every section of a metric cases.json file")
    Path verify;

    @Override
    public Integer call() {
        MetricCases.Report report = MetricCases.verify(verify);
        for (MetricCases.CaseResult failure : report.failures()) {
            System.out.println("FAIL " + failure.displayName() + ": " + failure.message());
        }
        for (Map.Entry<String, long[]> section : report.countsBySection().entrySet()) {
            System.out.printf("%-26s %d passed, %d failed%n", section.getKey(), section.getValue()[0],
                    section.getValue()[1]);
        }
        for (MetricCases.NotChecked notChecked : report.notChecked()) {
            System.out.printf("%-26s not checked: %s%n", notChecked.section(), notChecked.reason());
        }
        System.out.println(report.summary());
        return report.failed() == 0 ? 0 : 1;
    }
}

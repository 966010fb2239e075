package dev.vclip.cli;

import dev.vclip.cli.base.VclipCommand;
import dev.vclip.verify.ClusterCases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

@Command(name = "cluster", mixinStandardHelpOptions = true, description = {
        "Check CenterCLIP's token clustering (KKZ + k-medoids, spectral) against golden cases of the reference: "
                + "every case of a cases.json, with the .safetensors files beside it, is run through "
                + "dev.vclip.model.TokenClustering and compared (medoid_index and assignment exactly, medoid tokens "
                + "bitwise, the class-token row within 1e-6). One line per case, then a summary; exits 1 if any "
                + "case fails.",
        "Example: vclip cluster --verify vclip-core/src/test/resources/fixtures/centerclip/cases.json"})
final class ClusterCommand extends VclipCommand {

    @Option(names = "--verify", required = true, paramLabel = "FILE",
            description = "cases.json of CenterCLIP clustering cases (safetensors files in the same folder)")
    Path verify;

    @Option(names = "--json", description = "print the results as one JSON document")
    boolean json;

    @Override
    public Integer call() {
        ClusterCases.Report report = ClusterCases.verify(verify);
        if (json) {
            Map<String, Object> doc = new TreeMap<>(Map.of("results", report.results(), "passed", report.passed(),
                    "failed", report.failed()));
            printJson(doc);
        } else {
            report.results().forEach(r -> out().println(r.line()));
            out().println(report.summary());
        }
        return report.failed() == 0 && !report.results().isEmpty() ? 0 : 1;
    }
}

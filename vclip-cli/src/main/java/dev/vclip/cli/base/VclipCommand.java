package dev.vclip.cli.base;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vclip.report.RunReport;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What every vclip command shares: output through picocli's writers (so whoever runs the command line, a test
 * included, gets all of it), usage errors that exit 2 and name the option, and the command line as the user typed
 * it for reports.
 */
public abstract class VclipCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Standard output of this run. */
    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Standard error of this run. */
    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** A usage error (exit 2): say what is wrong with which option. */
    protected CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /**
     * The command line exactly as the user typed it, quoted for a POSIX shell: a report records one place's truth
     * instead of each command rebuilding (and forgetting) its options.
     */
    protected String typedCommandLine() {
        CommandLine.ParseResult parsed = spec.root().commandLine().getParseResult();
        List<String> args = parsed == null ? List.of() : parsed.originalArgs();
        return RunReport.commandLine("vclip", args.toArray(new String[0]));
    }

    /** Prints {@code value} as one JSON document on standard output (for {@code --json}). */
    protected void printJson(Object value) {
        try {
            out().println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
        out().flush();
    }

    /**
     * Standard output as a PrintStream, for library calls that take one (training logs): the bytes go to the same
     * writer as everything else the command prints.
     */
    protected PrintStream outStream() {
        PrintWriter writer = out();
        return new PrintStream(new OutputStream() {
            private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                line.write(b);
                if (b == '\n') {
                    flush();
                }
            }

            @Override
            public synchronized void flush() {
                writer.print(line.toString(StandardCharsets.UTF_8));
                writer.flush();
                line.reset();
            }
        }, true, StandardCharsets.UTF_8);
    }
}

package dev.vclip.cli;

import dev.vclip.bench.BenchCommand;
import dev.vclip.data.DatasetFormatException;
import dev.vclip.model.ConfigException;
import dev.vclip.tokenizer.TokenizerException;
import dev.vclip.video.VideoException;
import dev.vclip.weights.WeightsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The {@code vclip} command line: a thin layer over the library, one class per sub-command. */
@Command(name = "vclip", mixinStandardHelpOptions = true, version = "vclip 0.1.0",
        description = "Video-language models of the CLIP family (CLIP, X-CLIP), native on the JVM.",
        subcommands = {InfoCommand.class, VerifyCommand.class, TokenizeCommand.class, PreprocessCommand.class,
                ConvertCommand.class, MetricsCommand.class, SynthCommand.class, ZeroshotCommand.class, ClassifyCommand.class,
                RetrievalCommand.class, LocalizeCommand.class, LocalizeEvalCommand.class, FramesCommand.class, DemoCommand.class, TrainCommand.class,
                LinearProbeCommand.class, EvalCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing sub-command");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (0 ok, 1 failed check or bad input, 2 usage error). */
    public static int run(String... args) {
        return run(null, null, args);
    }

    /**
     * Runs the command line with its output going to {@code out} and {@code err} (null: standard output and error)
     * and returns its exit code.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine();
        if (out != null) {
            cli.setOut(out);
        }
        if (err != null) {
            cli.setErr(err);
        }
        try {
            return cli.execute(args);
        } finally {
            cli.getOut().flush();
            cli.getErr().flush();
        }
    }

    /** The command tree with vclip's error handling, not yet run (tests walk it). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // A usage error is one line and a pointer to the help, not a screenful of usage that hides the error.
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println("error: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("see '" + failed.getCommandSpec().qualifiedName() + " --help'");
            return 2;
        });
        // Bad input (files, keys, lines) surfaces as a runtime exception whose message names the culprit: print it and
        // exit 1. VCLIP_DEBUG=1 adds the stack trace; anything else (a bug) keeps its trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean expected = e instanceof ConfigException || e instanceof WeightsException
                    || e instanceof TokenizerException || e instanceof VideoException
                    || e instanceof DatasetFormatException || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException || e instanceof UncheckedIOException;
            if (!expected || System.getenv("VCLIP_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        });
        return cli;
    }

    /** The folder of the bundled random-weight model with its reference outputs (./vclip info's default). */
    public static Path bundledModel() {
        return home().resolve("models").resolve("xclip-tiny-random");
    }

    /** The folder of the bundled model vclip trained on its synthetic videos (./vclip demo's default). */
    public static Path bundledTrainedModel() {
        return home().resolve("models").resolve("xclip-synth");
    }

    /** Where the project is (set by the ./vclip launcher; the working directory otherwise). */
    public static Path home() {
        return Path.of(System.getProperty("vclip.home", "."));
    }
}

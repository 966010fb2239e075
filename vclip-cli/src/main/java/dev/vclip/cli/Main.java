package dev.vclip.cli;

import dev.vclip.bench.BenchCommand;
import dev.vclip.VclipException;
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
                LinearProbeCommand.class, EvalCommand.class, ClusterCommand.class, IndexCommand.class, SearchCommand.class,
                ServeCommand.class, SparkEmbedCommand.class,
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

    /** DJL's PyTorch engine reads it once, when it loads libtorch: the intra-op (OpenMP) thread count. */
    static final String TORCH_THREADS = "ai.djl.pytorch.num_threads";

    /**
     * What the CLI, and only the CLI, sets for the whole process: DJL offline (libtorch comes from the Maven
     * artifact), libtorch's intra-op threads ({@link #torchThreads}), headless AWT for the report charts, and
     * FFmpeg's own log quiet (vclip's errors name the file and the reason) unless {@code VCLIP_DEBUG} is set. A
     * value the user set ({@code -D...}, or {@code OMP_NUM_THREADS} for the threads) is kept. It runs before
     * anything asks DJL for the engine; in a JVM where the engine is already loaded (tests) the thread count no
     * longer changes anything.
     */
    static void configureProcess() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        String threads = torchThreads(System.getProperty(TORCH_THREADS), System.getenv("OMP_NUM_THREADS"),
                Runtime.getRuntime().availableProcessors());
        if (threads != null) {
            System.setProperty(TORCH_THREADS, threads);
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        if (System.getenv("VCLIP_DEBUG") == null) {
            dev.vclip.video.FfmpegVideo.quietFfmpegLog();
        }
    }

    /**
     * The intra-op thread count to give DJL, or null to leave it as it is: the user's
     * {@code -Dai.djl.pytorch.num_threads} or {@code OMP_NUM_THREADS} (which libtorch reads itself) win; otherwise
     * the processors this JVM may use, which unlike OpenMP's own default (the CPUs in the affinity mask) also
     * respects a container's CPU quota, so that a 2-CPU container on a large host does not run one OpenMP thread per
     * host core. Inter-op threads ({@code ai.djl.pytorch.num_interop_threads}) are left to the user: vclip runs no
     * inter-op parallel work.
     */
    static String torchThreads(String property, String ompNumThreads, int processors) {
        if (property != null || ompNumThreads != null && !ompNumThreads.isBlank()) {
            return null;
        }
        return Integer.toString(Math.max(1, processors));
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
        configureProcess();
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
            err.println("error: " + shorten(e.getMessage()));
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("see '" + failed.getCommandSpec().qualifiedName() + " --help'");
            return 2;
        });
        // Bad input (files, keys, lines) is a VclipException whose message names the culprit: print it and exit 1.
        // Anything else is a bug: say so, with the trace under VCLIP_DEBUG=1 (never by default: no stack traces leak).
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean badInput = e instanceof VclipException || e instanceof UncheckedIOException
                    || e instanceof java.io.IOException;
            boolean debug = System.getenv("VCLIP_DEBUG") != null;
            if (debug) {
                e.printStackTrace(commandLine.getErr());
            }
            String message = shorten(e.getMessage() != null ? e.getMessage() : e.toString());
            commandLine.getErr().println(badInput ? "error: " + message : "internal error: " + message
                    + (debug ? "" : " (a vclip bug; VCLIP_DEBUG=1 shows where)"));
            return 1;
        });
        return cli;
    }

    /** Longer runs of non-space characters in an error message are cut in the middle. */
    static final int LONGEST_WORD = 400;

    /**
     * {@code message} with every run of non-space characters longer than {@value #LONGEST_WORD} (a path or argument
     * of a megabyte) cut to its start and end with the number of characters left out: a message stays readable.
     */
    static String shorten(String message) {
        if (message == null || message.length() <= LONGEST_WORD) {
            return message;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\S{" + (LONGEST_WORD + 1) + ",}")
                .matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String w = m.group();
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(w.substring(0, 200) + "...("
                    + (w.length() - 300) + " characters left out)..." + w.substring(w.length() - 100)));
        }
        m.appendTail(out);
        return out.toString();
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

package dev.vclip.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** Test helper: runs the vclip command line in-process and captures what it prints. */
public final class CliRun {
    private CliRun() {
    }

    /**
     * Exit code and the captured standard output and error; {@code strayOut} is what went to System.out around
     * picocli's writers (commands should print nothing there: it would be lost to a caller that passes writers).
     */
    public record Result(int exit, String out, String err, String strayOut) {
    }

    /** Runs {@code vclip args...}; synchronized because System.out and System.err are process-wide. */
    public static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream strayOut = new ByteArrayOutputStream();
        ByteArrayOutputStream strayErr = new ByteArrayOutputStream(); // progress lines
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(strayOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(strayErr, true, StandardCharsets.UTF_8));
            int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
            String stray = strayOut.toString(StandardCharsets.UTF_8);
            return new Result(exit, out + stray, err + strayErr.toString(StandardCharsets.UTF_8), stray);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}

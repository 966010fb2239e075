package dev.vclip.data;

/**
 * A dataset file that does not follow its format. The message starts with {@code file:line:} (1-based line, the
 * line where the offending record starts) so that an editor or a terminal can jump to it, followed by what was
 * expected there.
 */
public class DatasetFormatException extends dev.vclip.VclipException {
    private final String file;
    private final int line;
    private final String detail;

    /**
     * @param file   the file as the caller named it
     * @param line   1-based line number; 0 when the problem concerns the file as a whole
     * @param detail what is wrong and what was expected
     */
    public DatasetFormatException(String file, int line, String detail) {
        super(line > 0 ? file + ":" + line + ": " + detail : file + ": " + detail);
        this.file = file;
        this.line = line;
        this.detail = detail;
    }

    public DatasetFormatException(String file, int line, String detail, Throwable cause) {
        this(file, line, detail);
        initCause(cause);
    }

    /** The file as the caller named it. */
    public String file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }

    /** The message without the {@code file:line:} prefix. */
    public String detail() {
        return detail;
    }
}

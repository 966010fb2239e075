package dev.vclip;

/**
 * The one family of exceptions vclip throws for input it cannot use: a config key, a weights file, a tokenizer file,
 * a video, a dataset line, a training option. The message is for a person and names the culprit (file, key, line,
 * tensor or parameter); an application shows it as it is (the CLI prints it and exits 1). Anything else a vclip call
 * throws ({@link IllegalArgumentException} for a broken API precondition, {@link IllegalStateException}) is a bug of
 * the caller or of vclip, not bad input.
 */
public class VclipException extends RuntimeException {
    public VclipException(String message) {
        super(message);
    }

    public VclipException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.vclip.tokenizer;

/** A tokenizer vocabulary that cannot be read or used; the message names the file and, where known, the line. */
public class TokenizerException extends dev.vclip.VclipException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}

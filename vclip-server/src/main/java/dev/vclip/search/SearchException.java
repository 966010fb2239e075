package dev.vclip.search;

import dev.vclip.VclipException;

/** A query or an index that cannot be served as asked: the message names what is wrong. */
public class SearchException extends VclipException {
    public SearchException(String message) {
        super(message);
    }

    public SearchException(String message, Throwable cause) {
        super(message, cause);
    }
}

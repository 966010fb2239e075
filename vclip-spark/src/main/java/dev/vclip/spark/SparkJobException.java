package dev.vclip.spark;

import dev.vclip.VclipException;

/** What the Spark job and the Parquet import throw: a message naming the file, column or option at fault. */
public class SparkJobException extends VclipException {
    public SparkJobException(String message) {
        super(message);
    }

    public SparkJobException(String message, Throwable cause) {
        super(message, cause);
    }
}

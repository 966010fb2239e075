package dev.vclip.video;

/** A video that cannot be opened or decoded; the message names the source and the reason. */
public class VideoException extends dev.vclip.VclipException {
    public VideoException(String message) {
        super(message);
    }

    public VideoException(String message, Throwable cause) {
        super(message, cause);
    }
}

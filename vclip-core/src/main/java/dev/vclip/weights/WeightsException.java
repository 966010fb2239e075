package dev.vclip.weights;

/** A weights file or a state dict that vclip cannot use; the message names the file and the tensor or key. */
public class WeightsException extends dev.vclip.VclipException {
    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}

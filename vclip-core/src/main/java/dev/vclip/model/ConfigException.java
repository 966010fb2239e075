package dev.vclip.model;

/** A config.json that vclip cannot use; the message names the file and the key. */
public class ConfigException extends dev.vclip.VclipException {
    public ConfigException(String message) {
        super(message);
    }
}

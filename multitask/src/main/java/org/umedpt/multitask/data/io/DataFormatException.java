package org.umedpt.multitask.data.io;

/**
 * A data file that cannot be used: missing, empty, truncated, malformed, or of a kind umedpt does
 * not read. The message names the file, what was found and what was expected. It is an
 * {@link IllegalArgumentException}, so the command line reports it as one line and exits 2.
 */
public final class DataFormatException extends IllegalArgumentException {
    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

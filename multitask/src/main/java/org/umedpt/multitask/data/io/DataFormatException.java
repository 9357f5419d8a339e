package org.umedpt.multitask.data.io;

import org.umedpt.multitask.InputException;

/**
 * A data file that cannot be used: missing, empty, truncated, malformed, or of a kind umedpt does
 * not read. The message names the file, what was found and what was expected. It is an
 * {@link InputException}, so the command line reports it as one line and exits 2.
 */
public final class DataFormatException extends InputException {
    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

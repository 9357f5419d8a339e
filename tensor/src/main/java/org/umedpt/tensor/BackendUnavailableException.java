package org.umedpt.tensor;

/**
 * A backend that was asked for cannot run on this machine (a missing native library, no device).
 * Not a bug and not a bad argument: the message says what is missing and how to get it, and the
 * command line prints it as one line and exits 2.
 */
public class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.umedpt.multitask;

/**
 * A mistake of the user's (a bad option value, a missing or malformed file): the CLI prints its
 * message as one line and exits 2. Anything else that escapes a command is a bug (exit 1).
 */
public class InputException extends RuntimeException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}

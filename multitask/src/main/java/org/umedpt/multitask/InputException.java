package org.umedpt.multitask;

import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * A mistake in what the user gave umedpt — a file, a manifest field, an option value — as opposed
 * to a failure of the engine. The command line prints the message as one line and exits 2; an
 * engine failure (any other exception) exits 1 and is reported as a bug. Messages name the file or
 * field, what was found and what was expected.
 *
 * <p>It is an {@link IllegalArgumentException} (an illegal argument that came from the user), but
 * not every IllegalArgumentException is an InputException: the engine's own checks throw plain
 * ones, and those are bugs.
 */
public class InputException extends IllegalArgumentException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Runs a read or validation of user input with a library call that reports a bad file or
     * value as an {@link IllegalArgumentException} (or an {@link UncheckedIOException}), and turns
     * that into an InputException prefixed with {@code what} (e.g. the path). Only wrap calls
     * whose argument errors can only come from the user's input.
     */
    public static <T> T reading(String what, Supplier<T> read) {
        try {
            return read.get();
        } catch (InputException e) {
            throw e;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new InputException(m.contains(what) ? m : what + ": " + m, e);
        }
    }
}

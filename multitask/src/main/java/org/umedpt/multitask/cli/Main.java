package org.umedpt.multitask.cli;

import org.umedpt.multitask.InputException;
import org.umedpt.tensor.BackendUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The {@code umedpt} command. Each verb is a picocli subcommand in this package; the launcher
 * script {@code ./umedpt} at the repository root builds the jar when needed and runs this class
 * with the Vector API module and the JIT flags the CPU backend needs.
 */
@Command(name = "umedpt", mixinStandardHelpOptions = true, version = "umedpt 0.1.0",
        description = "Foundational multi-task models for biomedical imaging, on the JVM.",
        subcommands = {FeaturesCommand.class, MemprofileCommand.class, BenchCommand.class, PretrainCommand.class,
                TransferCommand.class, EvaluateCommand.class, DemoCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "On an internal error, print the stack trace to stderr (it is always written to a log file too).")
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line; returns the exit code: 0 on success, 2 on bad input (a file, field or
     * option the user gave: one line on stderr naming what was wrong), 1 on an internal error (a
     * bug: one line saying so, the stack trace in a log file and, with {@code --debug}, on stderr).
     */
    static int run(String... args) {
        return run(new CommandLine(new Main()), args);
    }

    /** {@link #run(String...)} on a given command tree (tests add commands to it). */
    static int run(CommandLine cl, String... args) {
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            String verb = "umedpt " + cmd.getCommandName();
            if (ex instanceof InputException || ex instanceof UncheckedIOException || ex instanceof BackendUnavailableException) {
                cmd.getErr().println(verb + ": " + ex.getMessage());
                return 2;
            }
            if (ex instanceof IOException) { // e.g. an output folder that cannot be created
                cmd.getErr().println(verb + ": cannot read or write " + ex.getMessage() + " (" + ex.getClass().getSimpleName() + ")");
                return 2;
            }
            StringWriter trace = new StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            Path log = writeLog(String.join(" ", args), trace.toString());
            cmd.getErr().println(verb + ": internal error, a bug in umedpt — please report it with the log: "
                    + ex.getClass().getSimpleName() + ": " + ex.getMessage()
                    + (log == null ? "" : "\n  stack trace: " + log) + (isDebug(parsed) ? "" : " (or rerun with --debug)"));
            if (isDebug(parsed)) cmd.getErr().print(trace);
            cmd.getErr().flush();
            return 1;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) { // not a bug: the run needs more heap than the JVM was given
            cl.getErr().println("umedpt: out of memory (" + e.getMessage() + "); use a smaller --batch, or give the JVM more heap, "
                    + "e.g. UMEDPT_JAVA_OPTS=-Xmx16g");
            return 1;
        }
    }

    private static boolean isDebug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) return true;
        }
        return false;
    }

    /** The stack trace in a log file under the temp folder (atomically written); null if that fails too. */
    private static Path writeLog(String args, String trace) {
        try {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            Path dir = Path.of(System.getProperty("java.io.tmpdir"));
            Path log = dir.resolve("umedpt-error-" + stamp + "-" + ProcessHandle.current().pid() + ".log");
            Path tmp = Files.createTempFile(dir, "umedpt-error-", ".tmp");
            Files.writeString(tmp, "umedpt " + args + "\n" + System.getProperty("java.vm.name") + " "
                    + System.getProperty("java.version") + ", " + System.getProperty("os.arch") + "\n\n" + trace, StandardCharsets.UTF_8);
            return Files.move(tmp, log, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

package org.umedpt.multitask.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

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

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line; returns the exit code. A user error (bad file, bad option value) is
     * one line on stderr naming what was wrong, not a stack trace.
     */
    static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof org.umedpt.multitask.InputException || ex instanceof IllegalArgumentException
                    || ex instanceof java.io.UncheckedIOException) {
                cmd.getErr().println("umedpt " + cmd.getCommandName() + ": " + ex.getMessage());
                return 2;
            }
            if (ex instanceof java.io.IOException) { // e.g. an output folder that cannot be created
                cmd.getErr().println("umedpt " + cmd.getCommandName() + ": cannot read or write " + ex.getMessage() + " ("
                        + ex.getClass().getSimpleName() + ")");
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }
}

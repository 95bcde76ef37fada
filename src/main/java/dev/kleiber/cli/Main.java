package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/** The {@code kleiber} command: wires the subcommands and turns every failure into a message and an exit code. */
@Command(name = "kleiber",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = {
                "A conductor for AI coding agents: plans work into tasks, routes each to the cheapest Claude model "
                        + "that can reliably do it, runs role-bound agents in parallel git worktrees, gates their work "
                        + "on real tests and human review, merges, documents, and logs every token and dollar."},
        subcommands = {
                CommandLine.HelpCommand.class,
                InitCommand.class,
                AgentCommand.class,
                ConfigCommand.class,
                ProtocolCommand.class,
                LintCommand.class,
                ValidateCommand.class,
                PlanCommand.class,
                RouteCommand.class,
                CostCommand.class,
                BudgetCommand.class,
                RunCommand.class,
                ResumeCommand.class,
                StatusCommand.class,
                ReviewCommand.class,
                ApproveCommand.class,
                RejectCommand.class,
                AnswerCommand.class,
                DemoCommand.class,
                ModelsCommand.class,
                DoctorCommand.class,
                MetricsCommand.class,
                ServeCommand.class,
                TokenCommand.class,
                McpCommand.class,
                WorkerCommand.class,
                WorkersCommand.class,
                GuardCommand.class,
        })
public final class Main implements Runnable {
    private final CliContext context;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public Main(CliContext context) {
        this.context = context;
    }

    CliContext context() {
        return context;
    }

    @Override
    public void run() {
        CommandLine here = spec.commandLine();
        throw new CommandLine.ParameterException(here, "say which command to run; the commands are: "
                + String.join(", ", commands(here)) + "\nNew here? `kleiber demo` shows a whole run and needs no key.");
    }

    public static void main(String[] args) {
        System.exit(run(CliContext.ofProcess(), args,
                new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; returns its exit code. Nothing escapes as a stack trace. */
    public static int run(CliContext context, String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main(context));
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((ex, ignored) -> {
            err.println("kleiber: " + unknownCommand(ex).orElse(ex.getMessage()));
            CommandLine command = ex.getCommandLine();
            err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for usage.");
            return KleiberException.BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, command, parseResult) -> {
            Optional<KleiberException> known = findKleiberException(ex);
            if (known.isPresent()) {
                err.println("kleiber: " + known.get().getMessage());
                return known.get().exitCode();
            }
            err.println("kleiber: unexpected error: " + ex);
            if (context.env("KLEIBER_DEBUG").isPresent()) {
                ex.printStackTrace(err);
            } else {
                err.println("(set KLEIBER_DEBUG=1 to see where it happened)");
            }
            return KleiberException.FAILED;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * A word where a command was expected ({@code kleiber stauts}): name it and list the commands, instead of
     * picocli's "Unmatched argument at index 0".
     */
    private static Optional<String> unknownCommand(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException unmatched)
                || unmatched.getCommandLine().getSubcommands().isEmpty()
                || unmatched.getUnmatched().isEmpty() || unmatched.getUnmatched().getFirst().startsWith("-")) {
            return Optional.empty();
        }
        CommandLine where = unmatched.getCommandLine();
        List<String> suggestions = unmatched.getSuggestions();
        return Optional.of("unknown command '" + unmatched.getUnmatched().getFirst() + "' for '"
                + where.getCommandSpec().qualifiedName() + "'"
                + (suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions) + "?")
                + "\nThe commands are: " + String.join(", ", commands(where)));
    }

    /** The subcommands a person may type (the hidden ones are for Kleiber's own use). */
    private static List<String> commands(CommandLine where) {
        return where.getSubcommands().entrySet().stream()
                .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden()).map(java.util.Map.Entry::getKey).toList();
    }

    private static Optional<KleiberException> findKleiberException(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof KleiberException k) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Optional.ofNullable(Main.class.getPackage().getImplementationVersion()).orElse("dev");
            return new String[] {"kleiber " + version, "Java " + Runtime.version()};
        }
    }
}

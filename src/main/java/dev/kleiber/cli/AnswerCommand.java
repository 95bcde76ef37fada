package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.app.Decisions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.Optional;

/** {@code kleiber answer TASK ANSWER}: a person's answer to the conductor's question about a blocked task, signed. */
@Command(name = "answer", mixinStandardHelpOptions = true,
        description = {"Answer the conductor's question about a blocked task: the answer and who gave it are written "
                + "into the task's blocked file (and committed), the run's events record who answered; "
                + "`kleiber resume` hands it to the conductor."})
final class AnswerCommand implements Runnable {
    private static final int MAX_ANSWER = 20_000;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TASK")
    String task;

    @Parameters(index = "1", paramLabel = "ANSWER", description = "What the task needs, e.g. \"US and Canada only.\"")
    String answer;

    @Option(names = "--run", paramLabel = "ID", description = "The run (default: the latest).")
    Optional<String> run = Optional.empty();

    @Option(names = "--by", paramLabel = "NAME", description = "Who answers (default: $USER, else $LOGNAME, else the OS account).")
    Optional<String> by = Optional.empty();

    @Override
    public void run() {
        CliContext context = CliContext.of(spec);
        if (answer.isBlank() || answer.length() > MAX_ANSWER) {
            throw KleiberException.badInput("ANSWER must say what the task needs, in at most " + MAX_ANSWER + " characters");
        }
        Decider decider = Decider.of(by, context);
        try (RunSetup setup = new RunSetup(context)) {
            Decisions decisions = setup.decisions();
            String runId = decisions.runFor(run, task);
            String file = decisions.answer(runId, task, answer, decider.recorded());
            spec.commandLine().getOut().println(task + ": answered by " + decider.recorded() + " in " + file + "; `"
                    + WaitingWork.resume(setup.store, runId) + "` hands it to the conductor");
        }
    }
}

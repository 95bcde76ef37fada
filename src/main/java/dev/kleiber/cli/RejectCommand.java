package dev.kleiber.cli;

import dev.kleiber.app.Decisions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.Optional;

/** {@code kleiber reject TASK --feedback TEXT}: sends a reviewed task back to its agent with the feedback. */
@Command(name = "reject", mixinStandardHelpOptions = true,
        description = {"Send a task waiting for review back to the queue; its agent's next attempt gets the feedback. "
                + "`kleiber resume` runs it."})
final class RejectCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TASK")
    String task;

    @Option(names = "--feedback", required = true, paramLabel = "TEXT", description = "What the agent must change.")
    String feedback;

    @Option(names = "--run", paramLabel = "ID", description = "The run (default: the one where TASK waits for review).")
    Optional<String> run = Optional.empty();

    @Option(names = "--by", paramLabel = "NAME", description = "Who decides (default: $USER, else $LOGNAME, else the OS account).")
    Optional<String> by = Optional.empty();

    @Override
    public void run() {
        CliContext context = CliContext.of(spec);
        Decider decider = Decider.of(by, context);
        try (RunSetup setup = new RunSetup(context)) {
            Decisions decisions = setup.decisions();
            String runId = decisions.runFor(run, task);
            decisions.reject(runId, task, feedback, decider.recorded());
            spec.commandLine().getOut().println(task + " sent back to its agent with the feedback of " + decider.recorded() + "; `" + WaitingWork.resume(setup.store, runId) + "` runs it");
        }
    }
}

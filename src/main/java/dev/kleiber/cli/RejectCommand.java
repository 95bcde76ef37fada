package dev.kleiber.cli;

import dev.kleiber.conductor.ReviewDesk;
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

    @Option(names = "--run", paramLabel = "ID", description = "The run (default: the latest).")
    Optional<String> run = Optional.empty();

    @Override
    public void run() {
        try (RunSetup setup = new RunSetup(CliContext.of(spec))) {
            String runId = ReviewDesk.runId(setup.store, run);
            setup.reviewDesk().reject(runId, task, feedback);
            spec.commandLine().getOut().println(task + " sent back to its agent with your feedback; `kleiber resume` runs it");
        }
    }
}

package dev.kleiber.cli;

import dev.kleiber.app.Decisions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.Optional;

/** {@code kleiber approve TASK}: merges a reviewed task, if its branch is still at the commit that was reviewed. */
@Command(name = "approve", mixinStandardHelpOptions = true,
        description = {"Approve a task waiting for review and merge it into main. Refused when its branch moved since "
                + "it was validated: an approval covers only the commit that was reviewed."})
final class ApproveCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TASK")
    String task;

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
            String commit = decisions.approve(runId, task, Optional.empty(), decider.recorded());
            // a remote run's task merges into the remote's main, not this checkout's
            String into = setup.store.runs().remoteOf(runId).map(remote -> "the main of " + remote).orElse("main");
            spec.commandLine().getOut().println(task + " approved and merged into " + into + " (" + commit.substring(0, 12)
                    + "), approved by " + decider.recorded() + "; `" + WaitingWork.resume(setup.store, runId) + "` starts what waited for it");
        }
    }
}

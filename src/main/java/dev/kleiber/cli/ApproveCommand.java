package dev.kleiber.cli;

import dev.kleiber.conductor.ReviewDesk;
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

    @Option(names = "--run", paramLabel = "ID", description = "The run (default: the latest).")
    Optional<String> run = Optional.empty();

    @Override
    public void run() {
        try (RunSetup setup = new RunSetup(CliContext.of(spec))) {
            String runId = ReviewDesk.runId(setup.store, run);
            String commit = setup.reviewDesk().approve(runId, task);
            spec.commandLine().getOut().println(task + " approved and merged into main (" + commit.substring(0, 12)
                    + "); `kleiber resume` starts what waited for it");
        }
    }
}

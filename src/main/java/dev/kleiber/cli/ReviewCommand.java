package dev.kleiber.cli;

import dev.kleiber.conductor.ReviewDesk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/** {@code kleiber review [show TASK]}: the tasks waiting for a person, and what a reviewer needs to see. */
@Command(name = "review", mixinStandardHelpOptions = true, subcommands = ReviewCommand.Show.class,
        description = {"List the tasks that wait for a human review: of every run, or of --run ID only."})
final class ReviewCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--run", paramLabel = "ID", description = "Only this run (default: every run).")
    Optional<String> run = Optional.empty();

    @Override
    public void run() {
        try (RunSetup setup = new RunSetup(CliContext.of(spec))) {
            String runId = ReviewDesk.runId(setup.store, run);
            PrintWriter out = spec.commandLine().getOut();
            List<ReviewDesk.Pending> pending = setup.reviewDesk().pending(runId);
            pending.forEach(p -> out.println(line(p)));
            List<String> blocked = new java.util.ArrayList<>(WaitingWork.blocked(setup.store, runId, false));
            int earlier = 0;
            if (run.isEmpty()) {
                // what earlier runs left waiting is still waiting: list it, each with its run
                for (String other : setup.store.tasks().waitingForPersonElsewhere(runId).keySet()) {
                    for (ReviewDesk.Pending p : setup.reviewDesk().pending(other)) {
                        out.println(line(p) + "  run " + other + " (`kleiber review show " + p.taskId() + " --run "
                                + other + "`)");
                        earlier++;
                    }
                    blocked.addAll(WaitingWork.blocked(setup.store, other, true));
                }
            }
            // a question the conductor asks a person waits for them as much as a review does, and so does a budget pause
            blocked.forEach(out::println);
            List<String> budget = WaitingWork.budget(setup.ledger.status());
            budget.forEach(out::println);
            if (pending.isEmpty() && earlier == 0 && blocked.isEmpty() && budget.isEmpty()) {
                out.println("nothing waits for a person " + (run.isPresent() ? "in run " + runId : "in any run"));
            }
        }
    }

    private static String line(ReviewDesk.Pending p) {
        return p.taskId() + "  " + p.agent() + "  " + p.title() + "  (" + p.branch() + " at " + p.commit().substring(0, 12)
                + ")";
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print a task's diff, the routing reasons that demand review, and its validation report."})
    static final class Show implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TASK")
        String task;

        @Option(names = "--run", paramLabel = "ID", description = "The run (default: the one where TASK waits).")
        Optional<String> run = Optional.empty();

        @Override
        public void run() {
            try (RunSetup setup = new RunSetup(CliContext.of(spec))) {
                String runId = WaitingWork.runFor(setup.store, run, task);
                ReviewDesk.Details details = setup.reviewDesk().show(runId, task);
                PrintWriter out = spec.commandLine().getOut();
                ReviewDesk.Pending p = details.pending();
                out.println("# Review: " + p.taskId() + " — " + p.title());
                // a remote run's branch is where its workers pushed it
                out.println("Agent: " + p.agent() + "; branch " + p.branch() + " at " + p.commit()
                        + setup.store.runs().remoteOf(runId).map(remote -> " on " + remote).orElse(""));
                out.println();
                out.println("## Why a person must review it (routing)");
                out.print(p.reasons());
                out.println();
                out.println("## Validation");
                out.println(details.validationReport().strip());
                out.println();
                out.println("## Diff");
                out.println(details.diff().stripTrailing());
                out.println();
                out.println("Approve with `kleiber approve " + p.taskId() + "` or send back with `kleiber reject "
                        + p.taskId() + " --feedback TEXT`.");
            }
        }
    }
}

package dev.kleiber.cli;

import dev.kleiber.conductor.BlockedDesk;
import dev.kleiber.conductor.Conductor;
import dev.kleiber.conductor.MainWatch;
import dev.kleiber.conductor.ReviewDesk;
import dev.kleiber.conductor.RunOutcome;
import dev.kleiber.config.ProjectLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code kleiber resume}: continues the latest run (or the one named) after a pause, a review or a crash. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Continue the latest run (or --run ID): expired leases are reclaimed, half-done attempts restart "
                + "from their branch, approved and rejected tasks go on; nothing merges twice."})
final class ResumeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--run", paramLabel = "ID", description = "The run (default: the latest).")
    Optional<String> run = Optional.empty();

    @Mixin
    RunOptions options = new RunOptions();

    @Override
    public Integer call() {
        CliContext context = CliContext.of(spec);
        ProjectLayout layout = ProjectLayout.require(context.workingDir());
        // a resume may find nothing left to do: the API key is needed only once a call is made
        try (AgentRuntime runtime = AgentRuntime.open(context, layout, options.script.path(context),
                AgentRuntime.KeyNeeded.AT_FIRST_CALL, spec.commandLine().getErr())) {
            String runId = ReviewDesk.runId(runtime.store, run);
            PrintWriter out = spec.commandLine().getOut();
            out.println("resuming run " + runId);
            Optional<String> remote = runtime.store.runs().remoteOf(runId);
            if (remote.isPresent()) {
                // its tasks run on the remote's workers: this process conducts (answers blocked work), runs none
                int code = RemoteRun.resume(runtime, context, out, runId, remote.get(), options.waitForWorkers(context));
                runtime.requireApiWasReachable();
                return code;
            }
            int n = options.workers(runtime.project.settings().workers());
            RunOutcome outcome;
            try (RunProgress progress = RunProgress.open(options.board, out, context, runtime, runId, n)) {
                Conductor conductor = RunSetup.conductor(runtime, context, progress.listener());
                // the watch of main tells through the conductor, so the store keeps its events too
                try (MainWatch watch = RunSetup.mainWatch(runtime, context, conductor.listener(), runId)) {
                    outcome = conductor.resume(runId, n).await();
                }
            }
            int code = RunCommand.report(out, outcome, runtime.store.tasks().ofRun(runId),
                    BlockedDesk.questions(runtime.store, runId), Conductor.environmentStops(runtime.store, runId));
            runtime.requireApiWasReachable();
            return code;
        }
    }
}

package dev.kleiber.cli;

import dev.kleiber.conductor.Conductor;
import dev.kleiber.conductor.MainWatch;
import dev.kleiber.conductor.ReviewDesk;
import dev.kleiber.conductor.RunEvent;
import dev.kleiber.conductor.RunEventJson;
import dev.kleiber.conductor.RunListener;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileParser;
import dev.kleiber.yaml.SafeYaml;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The crash test's child (test code): {@code kleiber run --plan} or {@code kleiber resume} wired as the CLI wires them
 * (the same {@link AgentRuntime}, {@link RunSetup#builder}, watch of main and ports), plus one kill point that ends this
 * JVM with {@code Runtime.halt(137)}, as abruptly as {@code kill -9}:
 * <ul>
 *   <li>{@code -Dcrash.event=KIND -Dcrash.n=N}: just after the N-th {@link RunEvent} of KIND was stored (the store's
 *       recorder hears every event before any other listener);</li>
 *   <li>{@code -Dcrash.validator=N}: while the N-th run of the project's validation command ({@code node --test} in
 *       the sandbox) is alive, or just after it ended if it ended between two looks.</li>
 * </ul>
 * Kill points inside git are the {@code git} wrapper's (first on this JVM's PATH), which kills this process group.
 * Before it dies the child writes what it hit to {@code crash.dir/killed}; its PID is in {@code crash.dir/jvm.pid}.
 *
 * <p>Arguments: {@code run PLAN SCRIPT WORKERS} or {@code resume SCRIPT WORKERS}, in the project's folder.
 */
public final class CrashingConductor {
    /** The end of every command line of the project's validation command (the agent's own runs name a file). */
    private static final String VALIDATOR = "node --test";

    private CrashingConductor() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getProperty("crash.dir"));
        Files.writeString(dir.resolve("jvm.pid"), String.valueOf(ProcessHandle.current().pid()));
        Optional.ofNullable(System.getProperty("crash.validator")).map(Integer::parseInt)
                .ifPresent(n -> watchValidator(n, dir));
        RunListener halt = Optional.ofNullable(System.getProperty("crash.event"))
                .map(kind -> haltAfter(kind, Integer.getInteger("crash.n", 1), dir)).orElse(RunListener.NONE);

        CliContext context = CliContext.ofProcess();
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        boolean run = args[0].equals("run");
        Path script = context.resolve(args[run ? 2 : 1]);
        int workers = Integer.parseInt(args[run ? 3 : 2]);
        try (AgentRuntime runtime = AgentRuntime.open(context, ProjectLayout.require(context.workingDir()),
                Optional.of(script), err)) {
            // printed first, so that the event that kills shows last in the child's output
            RunListener listener = RunListener.all(List.of(RunCommand.printer(out, context), halt));
            Conductor conductor = RunSetup.builder(runtime, context, listener).build();
            String runId;
            if (run) {
                String text = Files.readString(context.resolve(args[1]));
                Plan plan = new PlanFileParser(new SafeYaml(), runtime.project.roleScopes()).parse(text, args[1]);
                runId = runtime.freshRunId(RunCommand.RUN_ID.format(context.clock().instant()));
                try (MainWatch watch = RunSetup.mainWatch(runtime, context, conductor.listener(), runId)) {
                    conductor.start(runId, "plan " + args[1], plan, text, workers).await();
                }
            } else {
                runId = ReviewDesk.runId(runtime.store, Optional.empty());
                try (MainWatch watch = RunSetup.mainWatch(runtime, context, conductor.listener(), runId)) {
                    conductor.resume(runId, workers).await();
                }
            }
        }
        out.println("finished without reaching the kill point");
        System.exit(0);
    }

    private static RunListener haltAfter(String kind, int n, Path dir) {
        AtomicInteger seen = new AtomicInteger();
        return event -> {
            if (RunEventJson.kind(event).equals(kind) && seen.incrementAndGet() == n) {
                die(dir, "event " + kind + " #" + n + " task=" + event.taskId());
            }
        };
    }

    /** Looks at this JVM's processes every millisecond; the N-th validation command seen is the kill point. */
    private static void watchValidator(int n, Path dir) {
        Thread.ofPlatform().daemon().name("crash-validator-watch").start(() -> {
            // one run of the command is several processes (bwrap, bwrap in its PID namespace, the shells that exec
            // node): a match whose ancestor matched before is the same run
            Set<Long> seen = new HashSet<>();
            int runs = 0;
            Optional<ProcessHandle> target = Optional.empty();
            while (true) {
                if (target.isEmpty()) {
                    for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
                        if (p.info().commandLine().orElse("").endsWith(VALIDATOR) && seen.add(p.pid())
                                && !hasAncestorIn(p, seen) && ++runs == n) {
                            target = Optional.of(p);
                        }
                    }
                }
                if (target.isPresent()) {
                    die(dir, "validator #" + n + (target.get().isAlive() ? " running" : " just ended"));
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private static boolean hasAncestorIn(ProcessHandle process, Set<Long> pids) {
        for (Optional<ProcessHandle> up = process.parent(); up.isPresent(); up = up.get().parent()) {
            if (pids.contains(up.get().pid())) {
                return true;
            }
        }
        return false;
    }

    private static void die(Path dir, String what) {
        try {
            long uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
            Files.writeString(dir.resolve("killed"), what + " (" + uptime + " ms after the JVM started)\n", StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
        } catch (IOException e) {
            // the kill matters more than its note; the test then finds no note and says so
        }
        Runtime.getRuntime().halt(137);
    }
}

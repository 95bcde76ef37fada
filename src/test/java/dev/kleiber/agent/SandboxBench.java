package dev.kleiber.agent;

import dev.kleiber.routing.Roles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What one {@code run_command} of {@code true} costs through {@link CommandSandbox} end to end: unconfined
 * ({@code sandbox: none}), hardened with rlimits only, hardened with the per-command cgroup (when writable).
 * The cases take turns run by run, so a change in the machine's load weighs on all alike.
 * Run by {@code bench/sandbox-overhead.sh}; argument: runs per case (default 50).
 */
public final class SandboxBench {
    private SandboxBench() {
    }

    public static void main(String[] args) throws IOException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Path worktree = Files.createTempDirectory(Path.of("/var/tmp"), "kleiber-sandbox-bench-");
        try {
            Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");
            CommandSandbox.Settings settings = CommandSandbox.Settings.defaults();
            PathGuard guard = new PathGuard(worktree, RolePermissions.blueprintDefault(Roles.ENGINEER_FRONTEND));
            Path noCgroups = Files.writeString(worktree.resolve("no-cgroups"), "");
            SandboxProbe rlimitsOnly = new SandboxProbe(env, settings.limits(), SystemView.host(),
                    new CgroupFinder(noCgroups, noCgroups));
            SandboxProbe machine = new SandboxProbe(env, settings.limits());
            Map<String, CommandSandbox> cases = new LinkedHashMap<>();
            cases.put("unconfined (sandbox: none)", new CommandSandbox(guard, env, settings.withMode(CommandSandbox.Mode.NONE)));
            cases.put("hardened, rlimits only", new CommandSandbox(guard, env, settings, rlimitsOnly));
            if (machine.result().limits().cgroup()) {
                cases.put("hardened, cgroup + rlimits", new CommandSandbox(guard, env, settings, machine));
            }
            Map<String, Long> nanos = new LinkedHashMap<>();
            cases.forEach((name, sandbox) -> {
                sandbox.run("true");
                nanos.put(name, 0L);
            });
            for (int i = 0; i < runs; i++) {
                for (var entry : cases.entrySet()) {
                    long start = System.nanoTime();
                    entry.getValue().run("true");
                    nanos.merge(entry.getKey(), System.nanoTime() - start, Long::sum);
                }
            }
            System.out.printf("run_command `true` through CommandSandbox, %d runs per case, taking turns%n", runs);
            nanos.forEach((name, total) -> System.out.printf("%-46s %8.1f ms/run%n", name, total / 1e6 / runs));
        } finally {
            try (Stream<Path> files = Files.walk(worktree)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

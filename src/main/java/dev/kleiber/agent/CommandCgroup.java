package dev.kleiber.agent;

import dev.kleiber.config.SandboxPolicy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The cgroup one command runs in: at most {@code processes} live processes and {@code memory} bytes for all of
 * them together. The command joins it before bubblewrap starts (see {@link #joinScript()}), so nothing it
 * starts escapes the count; afterwards the group tells which limit was hit, whatever is left in it is killed,
 * and the group is removed.
 */
final class CommandCgroup implements AutoCloseable {
    /**
     * Run by {@code /bin/sh} on the host: writes its own pid into each {@code cgroup.procs} given before
     * {@code --}, then becomes the command after it. Exit 125 with a message when a group cannot be joined.
     */
    static final String JOIN_SCRIPT = "while [ \"$1\" != -- ]; do echo $$ > \"$1\" 2>/dev/null "
            + "|| { echo \"" + CommandCgroup.JOIN_FAILED + "$1\" >&2; exit 125; }; shift; done; shift; exec \"$@\"";
    static final String JOIN_FAILED = "kleiber: cannot join the command's cgroup ";

    private final LimitMechanism mechanism;
    private final SandboxPolicy.Limits limits;
    private final List<Path> groups;

    private CommandCgroup(LimitMechanism mechanism, SandboxPolicy.Limits limits, List<Path> groups) {
        this.mechanism = mechanism;
        this.limits = limits;
        this.groups = List.copyOf(groups);
    }

    /** A fresh group with the limits written, or empty when the limits are rlimits only. */
    static Optional<CommandCgroup> create(LimitMechanism mechanism, SandboxPolicy.Limits limits) throws IOException {
        String name = "kleiber-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID();
        return switch (mechanism) {
            case LimitMechanism.Rlimits r -> Optional.empty();
            case LimitMechanism.CgroupV1 v1 -> {
                CommandCgroup group = new CommandCgroup(mechanism, limits,
                        List.of(v1.pidsParent().resolve(name), v1.memoryParent().resolve(name)));
                group.make();
                Path pids = group.groups.get(0);
                Path memory = group.groups.get(1);
                write(pids.resolve("pids.max"), limits.processes());
                write(memory.resolve("memory.limit_in_bytes"), limits.memoryBytes());
                // Memory plus swap, where swap is accounted: the command cannot swap its way past the limit.
                if (Files.exists(memory.resolve("memory.memsw.limit_in_bytes"))) {
                    write(memory.resolve("memory.memsw.limit_in_bytes"), limits.memoryBytes());
                }
                yield Optional.of(group);
            }
            case LimitMechanism.CgroupV2 v2 -> {
                CommandCgroup group = new CommandCgroup(mechanism, limits, List.of(v2.parent().resolve(name)));
                group.make();
                Path dir = group.groups.getFirst();
                write(dir.resolve("pids.max"), limits.processes());
                write(dir.resolve("memory.max"), limits.memoryBytes());
                if (Files.exists(dir.resolve("memory.swap.max"))) {
                    write(dir.resolve("memory.swap.max"), 0);
                }
                yield Optional.of(group);
            }
        };
    }

    private void make() throws IOException {
        List<Path> made = new ArrayList<>();
        try {
            for (Path group : groups) {
                made.add(Files.createDirectory(group));
            }
        } catch (IOException e) {
            made.forEach(CommandCgroup::remove);
            throw e;
        }
    }

    private static void write(Path file, long value) throws IOException {
        Files.writeString(file, Long.toString(value));
    }

    /** The {@code cgroup.procs} files the command's first process writes itself into. */
    List<String> procsFiles() {
        return groups.stream().map(g -> g.resolve("cgroup.procs").toString()).toList();
    }

    /** The limits this group enforced that the command ran into. */
    List<LimitHit> hits() {
        List<LimitHit> hits = new ArrayList<>();
        Path memoryGroup = groups.getLast();
        long oomKills = switch (mechanism) {
            case LimitMechanism.CgroupV1 v1 -> counter(memoryGroup.resolve("memory.oom_control"), "oom_kill");
            default -> counter(memoryGroup.resolve("memory.events"), "oom_kill");
        };
        if (oomKills > 0) {
            hits.add(new LimitHit.MemoryExceeded(limits.memoryBytes()));
        }
        long refusedForks = counter(groups.getFirst().resolve("pids.events"), "max");
        if (refusedForks > 0) {
            hits.add(new LimitHit.ProcessesRefused(limits.processes(), refusedForks));
        }
        return hits;
    }

    /** The value after {@code key} in a flat-keyed cgroup file ({@code key value} per line); 0 when absent. */
    private static long counter(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.strip().split("\\s+");
                if (parts.length == 2 && parts[0].equals(key)) {
                    return Long.parseLong(parts[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Unreadable: no hit is reported rather than a wrong one.
        }
        return 0;
    }

    /**
     * Kills whatever is still in the group (the pid namespace normally took it along with bubblewrap) and
     * removes the group.
     */
    @Override
    public void close() {
        // Exiting processes stay listed for a few milliseconds after bubblewrap is gone: poll finely.
        for (int attempt = 0; attempt < 2000 && !members().isEmpty(); attempt++) {
            members().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        groups.reversed().forEach(CommandCgroup::remove);
    }

    private List<Long> members() {
        List<Long> pids = new ArrayList<>();
        for (Path group : groups) {
            try {
                for (String line : Files.readAllLines(group.resolve("cgroup.procs"))) {
                    if (!line.isBlank()) {
                        pids.add(Long.parseLong(line.strip()));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // A group already gone has no members.
            }
        }
        return pids;
    }

    private static void remove(Path group) {
        try {
            Files.deleteIfExists(group);
        } catch (NoSuchFileException e) {
            // gone already
        } catch (IOException e) {
            // Still busy: an empty group left behind holds no process and no memory.
        }
    }
}

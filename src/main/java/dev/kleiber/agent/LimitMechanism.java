package dev.kleiber.agent;

import dev.kleiber.config.SandboxPolicy.Limits;

import java.nio.file.Path;

/**
 * How the per-command limits are enforced on this machine. Processes and memory are counted per command (all
 * its processes together) by a cgroup when Kleiber may create one, else per process by rlimits; file size and
 * CPU time are always rlimits; the size of {@code /tmp} is the size of its tmpfs.
 */
sealed interface LimitMechanism {
    /** A cgroup v1 {@code pids} and {@code memory} group per command, created under Kleiber's own groups. */
    record CgroupV1(Path pidsParent, Path memoryParent) implements LimitMechanism {
    }

    /** A cgroup v2 group per command under Kleiber's own, whose {@code subtree_control} has pids and memory. */
    record CgroupV2(Path parent) implements LimitMechanism {
    }

    /**
     * No cgroup Kleiber may write: rlimits per process.
     *
     * @param whyNoCgroup what the cgroup probe found, for {@code doctor}
     */
    record Rlimits(String whyNoCgroup) implements LimitMechanism {
    }

    /** Whether processes and memory are counted for the command as a whole. */
    default boolean cgroup() {
        return !(this instanceof Rlimits);
    }

    /**
     * The mechanism and the limits in a sentence, as {@code doctor} shows it.
     *
     * @param rootMapped whether the command's uid maps to root outside its namespace, where the kernel never
     *                   applies RLIMIT_NPROC
     */
    default String describe(Limits limits, boolean rootMapped) {
        String common = "file size " + Limits.size(limits.fileSizeBytes()) + " and CPU time "
                + limits.cpuTime().toSeconds() + " s per process by rlimits; /tmp " + Limits.size(limits.tmpBytes())
                + " (tmpfs); wall time per command";
        return switch (this) {
            case CgroupV1 v1 -> "cgroup v1 (" + v1.pidsParent() + ", " + v1.memoryParent() + "): " + limits.processes()
                    + " processes and " + Limits.size(limits.memoryBytes()) + " of memory per command; " + common;
            case CgroupV2 v2 -> "cgroup v2 (" + v2.parent() + "): " + limits.processes() + " processes and "
                    + Limits.size(limits.memoryBytes()) + " of memory per command; " + common;
            case Rlimits r -> "rlimits only (" + r.whyNoCgroup() + "): " + Limits.size(limits.memoryBytes())
                    + " of data memory per process; " + (rootMapped
                    ? "processes NOT limited (Kleiber runs as root, and the kernel does not apply RLIMIT_NPROC to "
                    + "root's uid; give Kleiber a writable cgroup to limit them)"
                    : limits.processes() + " processes per command") + "; " + common;
        };
    }
}

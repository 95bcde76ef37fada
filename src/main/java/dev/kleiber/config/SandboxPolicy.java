package dev.kleiber.config;

import java.time.Duration;
import java.util.List;

/**
 * What the {@code sandbox:} section of kleiber.yaml says beyond the mode: the extra folders commands may read
 * (toolchain caches such as {@code ~/.m2/repository}) and the limits every command runs under.
 *
 * @param read folders bound read-only into every sandbox, as written ({@code ~/} stands for Kleiber's home)
 */
public record SandboxPolicy(List<String> read, Limits limits) {
    public SandboxPolicy {
        read = List.copyOf(read);
    }

    public static SandboxPolicy defaults() {
        return new SandboxPolicy(List.of(), Limits.defaults());
    }

    /**
     * Per command: live processes, memory (resident, all processes together when a cgroup is in force), the
     * largest file a process may write, the size of the private {@code /tmp}, CPU time per process.
     */
    public record Limits(int processes, long memoryBytes, long fileSizeBytes, long tmpBytes, Duration cpuTime) {
        public static final long MIB = 1024L * 1024;
        public static final long GIB = 1024 * MIB;

        public Limits {
            if (processes < 8) {
                throw new IllegalArgumentException("processes must be at least 8: " + processes);
            }
            if (memoryBytes < 64 * MIB || fileSizeBytes < MIB || tmpBytes < MIB) {
                throw new IllegalArgumentException("memory must be at least 64 MiB, file_size and tmp_size 1 MiB");
            }
            if (cpuTime.toSeconds() < 1) {
                throw new IllegalArgumentException("cpu_time must be at least 1 s: " + cpuTime);
            }
        }

        /** 256 processes, 2 GiB of memory, 1 GiB files, 512 MiB of /tmp, 10 minutes of CPU per process. */
        public static Limits defaults() {
            return new Limits(256, 2 * GIB, GIB, 512 * MIB, Duration.ofMinutes(10));
        }

        public Limits withProcesses(int n) {
            return new Limits(n, memoryBytes, fileSizeBytes, tmpBytes, cpuTime);
        }

        public Limits withMemoryBytes(long n) {
            return new Limits(processes, n, fileSizeBytes, tmpBytes, cpuTime);
        }

        public Limits withFileSizeBytes(long n) {
            return new Limits(processes, memoryBytes, n, tmpBytes, cpuTime);
        }

        public Limits withTmpBytes(long n) {
            return new Limits(processes, memoryBytes, fileSizeBytes, n, cpuTime);
        }

        public Limits withCpuTime(Duration d) {
            return new Limits(processes, memoryBytes, fileSizeBytes, tmpBytes, d);
        }

        /** {@code 2 GiB}, {@code 512 MiB}, {@code 1536 KiB}: the largest binary unit that divides it. */
        public static String size(long bytes) {
            if (bytes % GIB == 0) {
                return bytes / GIB + " GiB";
            }
            if (bytes % MIB == 0) {
                return bytes / MIB + " MiB";
            }
            return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
        }
    }
}

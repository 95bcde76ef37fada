package dev.kleiber.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names a lease holder so that its death can be proven: {@code role-PID@SCOPE~START}, where SCOPE identifies the
 * process table the PID belongs to (the kernel's boot id and the PID namespace) and START is the process's start
 * time. A lease whose holder has the same scope as this process, and whose PID is gone or now belongs to a
 * process started at another time, is held by no one: it need not be waited out. Where no scope can be read (no
 * {@code /proc}), nothing is ever declared dead and leases simply expire.
 */
public final class LeaseHolder {
    private static final Pattern NAME = Pattern.compile("^[a-z-]+-(\\d+)@([0-9a-f]+/\\d+)~(\\d+)$");

    private final Optional<String> scope;
    private final LongFunction<Optional<Long>> startOfPid;

    LeaseHolder(Optional<String> scope, LongFunction<Optional<Long>> startOfPid) {
        this.scope = scope;
        this.startOfPid = startOfPid;
    }

    /** The process table of this machine as Linux names it; empty elsewhere. */
    public static LeaseHolder local() {
        return new LeaseHolder(readScope(), pid -> ProcessHandle.of(pid)
                .flatMap(p -> p.info().startInstant()).map(java.time.Instant::toEpochMilli));
    }

    /** The holder name of this process in {@code role} (e.g. {@code conductor}). */
    public String name(String role) {
        ProcessHandle self = ProcessHandle.current();
        String base = role + "-" + self.pid();
        return scope.flatMap(s -> self.info().startInstant().map(start -> base + "@" + s + "~" + start.toEpochMilli()))
                .orElse(base);
    }

    /** True only when {@code holder} names a process of this process table that no longer runs. */
    public boolean isProvablyDead(String holder) {
        Matcher m = NAME.matcher(holder);
        if (scope.isEmpty() || !m.matches() || !m.group(2).equals(scope.get())) {
            return false;
        }
        Optional<Long> start = startOfPid.apply(Long.parseLong(m.group(1)));
        // start times are read from /proc at tick resolution: allow for rounding between two readings
        return start.isEmpty() || Math.abs(start.get() - Long.parseLong(m.group(3))) > 1000;
    }

    private static Optional<String> readScope() {
        try {
            String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII)
                    .strip().replace("-", "");
            String namespace = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString().replaceAll("\\D", "");
            return boot.matches("[0-9a-f]+") && !namespace.isEmpty() ? Optional.of(boot + "/" + namespace) : Optional.empty();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }
}

package dev.kleiber.agent;

import dev.kleiber.config.SandboxPolicy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds out, by trying, whether commands can run under the hardened sandbox here: it starts bubblewrap with
 * the same hardening {@link CommandSandbox} uses and checks from inside that the command's uid is not 0 and
 * that it holds no capability; then it finds which mechanism enforces the limits ({@link CgroupFinder}).
 * The answer is kept: neither changes while Kleiber runs.
 */
public final class SandboxProbe {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final long PROBE_SECONDS = 10;
    /** Passes only with a non-root uid and an empty effective capability set. */
    private static final String VERIFY = "[ \"$(id -u)\" != 0 ] && grep -Eq '^CapEff:[[:space:]]*0+$' /proc/self/status";
    private static final String OPT_OUT = "or set `sandbox: none` in .kleiber/kleiber.yaml to run commands unconfined "
            + "(no filesystem, network or resource containment)";

    /** What the probe found: the support, and what {@link CommandSandbox} needs to apply it (bwrap is there when hardened). */
    record Result(SandboxSupport support, Optional<Path> bwrap, LimitMechanism limits) {
    }

    private final String path;
    private final SandboxPolicy.Limits limits;
    private final SystemView system;
    private final CgroupFinder cgroups;
    private volatile Result result;

    /** With the default limits, as {@code kleiber doctor} reports them when no project says otherwise. */
    public SandboxProbe(Map<String, String> env) {
        this(env, SandboxPolicy.Limits.defaults());
    }

    /** @param env Kleiber's environment: only PATH is used, to find bwrap */
    public SandboxProbe(Map<String, String> env, SandboxPolicy.Limits limits) {
        this(env, limits, SystemView.host(), CgroupFinder.system());
    }

    SandboxProbe(Map<String, String> env, SandboxPolicy.Limits limits, SystemView system, CgroupFinder cgroups) {
        this.path = Optional.ofNullable(env.get("PATH")).filter(p -> !p.isBlank()).orElse(DEFAULT_PATH);
        this.limits = limits;
        this.system = system;
        this.cgroups = cgroups;
    }

    /** Whether the hardened sandbox works here and which limit mechanism is in force. */
    public SandboxSupport support() {
        return result().support();
    }

    String path() {
        return path;
    }

    Result result() {
        Result known = result;
        if (known == null) {
            known = check();
            result = known;
        }
        return known;
    }

    private Result check() {
        LimitMechanism mechanism = cgroups.find();
        Optional<Path> bwrap = findOnPath("bwrap", path);
        if (bwrap.isEmpty()) {
            return new Result(new SandboxSupport.Unavailable("bubblewrap (bwrap) is not installed on this machine",
                    "install bubblewrap 0.8 or newer (`apt-get install bubblewrap`), " + OPT_OUT), bwrap, mechanism);
        }
        List<String> command = new ArrayList<>();
        command.add(bwrap.get().toString());
        command.addAll(system.arguments(SandboxPolicy.Limits.MIB));
        command.addAll(SystemView.seal());
        command.addAll(List.of("--clearenv", "--setenv", "PATH", DEFAULT_PATH, "--", "/bin/sh", "-c", VERIFY));
        Run run = run(command);
        if (run.exitCode() != 0) {
            return new Result(unavailable(bwrap.get(), run), Optional.empty(), mechanism);
        }
        String version = run(List.of(bwrap.get().toString(), "--version")).output().strip();
        String isolation = (version.isEmpty() ? "bubblewrap" : version) + ": every capability dropped, uid "
                + SystemView.SANDBOX_UID + " in a user namespace, every namespace unshared (no network), a filesystem "
                + "of /usr, /bin, /lib*, /etc without its secrets, the project's worktree and the configured "
                + "sandbox.read folders; nothing else of the host";
        return new Result(new SandboxSupport.Hardened(isolation, mechanism.describe(limits, rootMapped())), bwrap,
                mechanism);
    }

    /** Whether the command's uid maps to root outside: bubblewrap maps it to Kleiber's own uid. */
    static boolean rootMapped() {
        try {
            // /proc/self belongs to the process's effective uid.
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static SandboxSupport.Unavailable unavailable(Path bwrap, Run run) {
        String said = run.output().strip();
        String reason = "bubblewrap (" + bwrap + ") cannot start the hardened sandbox: "
                + (said.isEmpty() ? "the check inside it failed with exit code " + run.exitCode() : said);
        if (said.contains("Unknown option") || said.contains("Usage:")) {
            return new SandboxSupport.Unavailable(reason, "install bubblewrap 0.8 or newer, which knows --cap-drop, "
                    + "--size and --remount-ro, " + OPT_OUT);
        }
        return new SandboxSupport.Unavailable(reason, "allow unprivileged user namespaces (sysctl "
                + "kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0, or an AppArmor profile for bwrap "
                + "on Ubuntu 23.10 and later; in a container, run it with user namespaces allowed), " + OPT_OUT);
    }

    private record Run(int exitCode, String output) {
    }

    private static Run run(List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().clear();
            builder.environment().put("PATH", DEFAULT_PATH);
            Process process = builder.start();
            byte[] output = process.getInputStream().readNBytes(4096);
            if (!process.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Run(-1, "it did not finish within " + PROBE_SECONDS + " s");
            }
            return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Run(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(-1, "interrupted");
        }
    }

    /** An absolute, executable {@code program} on {@code path}; relative entries are skipped (a repository controls the working directory). */
    static Optional<Path> findOnPath(String program, String path) {
        for (String dir : path.split(":")) {
            if (dir.isBlank() || !dir.startsWith("/")) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}

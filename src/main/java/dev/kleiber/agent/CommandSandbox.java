package dev.kleiber.agent;

import dev.kleiber.KleiberException;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs an agent's {@code bash -c COMMAND} under bubblewrap: the root filesystem read-only, fresh
 * {@code /proc} and {@code /dev}, a private {@code /tmp}, the worktree read-only except the role's
 * writable folders, the worktree's git directory read-only, every namespace unshared (no network),
 * a clean environment with no secret in it, a timeout that kills every process the command started,
 * and output kept to a head and a tail. Mode {@link Mode#NONE} runs without bubblewrap (clean
 * environment, timeout and cap, but no filesystem or network containment) and must be chosen
 * explicitly.
 *
 * <p>The writable folders are the directories of the role's write globs of the form {@code dir/**}
 * (created when missing, refused when a symlink or outside the worktree). A glob of any other shape
 * ({@code **}{@code /*.md}, {@code src/*.ts}) names no single folder, so it makes nothing writable
 * here; the file tools still honour it.
 */
public final class CommandSandbox {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    /** How commands are contained. */
    public enum Mode {
        /** Under bubblewrap; refused when bwrap is not installed. The default. */
        BWRAP,
        /** Directly, only when a project sets {@code sandbox: none}: no filesystem or network containment. */
        NONE;

        /** Parses {@code bwrap} or {@code none}, as kleiber.yaml spells them. */
        public static Mode parse(String text) {
            return switch (text) {
                case "bwrap" -> BWRAP;
                case "none" -> NONE;
                default -> throw KleiberException.badInput("sandbox must be bwrap or none; found '" + text + "'");
            };
        }
    }

    /** Where tools keep keys and tokens under a home folder; each is hidden from commands when it exists. */
    static final List<String> CREDENTIALS = List.of(".ssh", ".gnupg", ".aws", ".azure", ".kube", ".docker",
            ".password-store", ".config/gcloud", ".config/gh", ".netrc", ".npmrc", ".pypirc", ".git-credentials",
            ".m2/settings.xml", ".m2/settings-security.xml", ".gradle/gradle.properties");

    /**
     * Mode, wall-clock limit per command, how many output bytes are kept, and absolute folders to hide
     * behind an empty tmpfs (files behind an empty one; the credential stores under $HOME are always hidden,
     * see {@link #CREDENTIALS}; the worktree and its git metadata stay visible even when inside one).
     */
    public record Settings(Mode mode, Duration timeout, int outputCapBytes, List<Path> hiddenPaths) {
        public Settings {
            hiddenPaths = List.copyOf(hiddenPaths);
            for (Path hidden : hiddenPaths) {
                if (!hidden.isAbsolute() || hidden.getNameCount() == 0) {
                    throw KleiberException.badInput("a hidden sandbox path must be an absolute path other than /; "
                            + "found '" + hidden + "'");
                }
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw KleiberException.badInput("command timeout must be positive; found " + timeout);
            }
            if (outputCapBytes < 1024) {
                throw KleiberException.badInput("command output cap must be at least 1024 bytes; found " + outputCapBytes);
            }
        }

        /** bwrap, two minutes, 64 KiB, nothing hidden beyond the credential stores under $HOME. */
        public static Settings defaults() {
            return new Settings(Mode.BWRAP, Duration.ofMinutes(2), 64 * 1024, List.of());
        }

        public Settings withTimeout(Duration newTimeout) {
            return new Settings(mode, newTimeout, outputCapBytes, hiddenPaths);
        }

        public Settings withMode(Mode newMode) {
            return new Settings(newMode, timeout, outputCapBytes, hiddenPaths);
        }

        public Settings withHiddenPaths(List<Path> paths) {
            return new Settings(mode, timeout, outputCapBytes, paths);
        }
    }

    /**
     * Output as kept: {@code text} is at most the cap plus a marker; {@code totalBytes} counts everything
     * printed; {@code truncated} says whether bytes between head and tail were dropped.
     */
    public record Output(String text, long totalBytes, boolean truncated) {
    }

    /** What became of one command. */
    public sealed interface Outcome {
        record Finished(int exitCode, Output output, Duration elapsed) implements Outcome {
        }

        /** Killed with every process it started when the timeout passed. */
        record TimedOut(Output output, Duration timeout) implements Outcome {
        }

        /** Not started: no sandbox on this machine, or the role's writable folders are unsafe. */
        record Refused(String reason) implements Outcome {
        }
    }

    private final PathGuard guard;
    private final Map<String, String> parentEnv;
    private final Settings settings;
    /** Set once an empty sandbox has started; bwrap working does not change during a session. */
    private volatile boolean bwrapWorks;

    /**
     * @param parentEnv the environment Kleiber runs in; only {@code PATH} and {@code LANG} are taken
     *                  from it (to find tools), nothing else reaches the command
     */
    public CommandSandbox(PathGuard guard, Map<String, String> parentEnv, Settings settings) {
        this.guard = guard;
        this.parentEnv = Map.copyOf(parentEnv);
        this.settings = settings;
    }

    /** The environment a command sees, whole. */
    Map<String, String> commandEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", Optional.ofNullable(parentEnv.get("PATH")).filter(p -> !p.isBlank()).orElse(DEFAULT_PATH));
        env.put("HOME", "/tmp");
        env.put("LANG", Optional.ofNullable(parentEnv.get("LANG")).filter(p -> !p.isBlank()).orElse("C.UTF-8"));
        env.put("TERM", "dumb");
        return env;
    }

    /**
     * What a command may write, as a phrase for the model ("read-only except src/backend/ and a private
     * /tmp"), naming the write globs that give no writable folder.
     */
    public static String describeWritable(RolePermissions permissions) {
        List<String> dirs = writableGlobDirs(permissions).stream().map(d -> d + "/").toList();
        List<String> unbound = permissions.writeGlobs().stream()
                .filter(g -> g.exactDirectory().isEmpty()).map(Glob::text).toList();
        String phrase = "read-only except " + (dirs.isEmpty() ? "" : String.join(", ", dirs) + " and ")
                + "a private /tmp that is discarded afterwards";
        return unbound.isEmpty() ? phrase
                : phrase + "; files matching " + String.join(", ", unbound) + " can be written with write_file "
                + "and edit_file only";
    }

    /**
     * Runs {@code command} and waits for it. The process is started and awaited on a platform thread of
     * its own: bwrap's {@code --die-with-parent} (PR_SET_PDEATHSIG) fires when the OS <em>thread</em>
     * that started it ends, and the carrier thread of a virtual thread may end while a command runs.
     */
    public Outcome run(String command) {
        AtomicReference<Outcome> outcome = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().name("kleiber-command").start(() -> {
            try {
                outcome.set(runHere(command));
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        boolean interrupted = false;
        while (worker.isAlive()) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                // The worker kills the command and returns; wait for that, then pass the interrupt on.
                interrupted = true;
                worker.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return outcome.get();
    }

    private Outcome runHere(String command) {
        List<String> launch;
        boolean ownGroup = false;
        if (settings.mode() == Mode.BWRAP) {
            Optional<Path> bwrap = findOnPath("bwrap");
            if (bwrap.isEmpty()) {
                return new Outcome.Refused("run_command needs bubblewrap (bwrap), which is not installed on this "
                        + "machine; install it with `apt-get install bubblewrap` (or set `sandbox: none` in "
                        + ".kleiber/kleiber.yaml to run commands unconfined)");
            }
            Optional<String> broken = bwrapProblem(bwrap.get());
            if (broken.isPresent()) {
                return new Outcome.Refused("bubblewrap is installed but cannot create a sandbox on this machine: "
                        + broken.get() + " (where unprivileged user namespaces are restricted, as by AppArmor on "
                        + "Ubuntu 23.10 and later, allow them for bwrap; or set `sandbox: none` in "
                        + ".kleiber/kleiber.yaml to run commands unconfined)");
            }
            List<Path> writable = new ArrayList<>();
            for (String dir : writableGlobDirs(guard.permissions())) {
                switch (prepareWritable(dir)) {
                    case PathGuard.Decision.Allowed allowed -> writable.add(allowed.path());
                    case PathGuard.Decision.Refused refused -> {
                        return new Outcome.Refused("the role's writable folder " + dir + "/ cannot be bound: "
                                + refused.reason());
                    }
                }
            }
            launch = bwrapCommand(bwrap.get(), writable, command);
        } else {
            launch = new ArrayList<>();
            // A new session makes the command a process group of its own, which the timeout kills whole.
            Optional<Path> setsid = findOnPath("setsid");
            setsid.ifPresent(path -> launch.add(path.toString()));
            ownGroup = setsid.isPresent();
            launch.addAll(List.of("bash", "-c", command));
        }
        try {
            return execute(launch, ownGroup);
        } catch (IOException e) {
            return new Outcome.Refused("the command could not be started: " + e.getMessage());
        }
    }

    private static List<String> writableGlobDirs(RolePermissions permissions) {
        return permissions.writeGlobs().stream()
                .flatMap(g -> g.exactDirectory().stream())
                .distinct()
                .toList();
    }

    /** Checks a writable folder like any write and creates it when missing, so bwrap has something to bind. */
    private PathGuard.Decision prepareWritable(String dir) {
        PathGuard.Decision decision = guard.checkWrite(dir);
        if (decision instanceof PathGuard.Decision.Allowed allowed) {
            try {
                if (!Files.isDirectory(allowed.path(), LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(allowed.path());
                }
                if (!allowed.path().toRealPath().equals(allowed.path())) {
                    return new PathGuard.Decision.Refused("it changed while being checked");
                }
            } catch (IOException e) {
                return new PathGuard.Decision.Refused("it cannot be created: " + e.getMessage());
            }
        }
        return decision;
    }

    /**
     * Starts an empty sandbox once, so that bwrap failing on its own (no user namespaces, say) is told
     * apart from the agent's command failing.
     */
    private Optional<String> bwrapProblem(Path bwrap) {
        if (bwrapWorks) {
            return Optional.empty();
        }
        try {
            Process probe = new ProcessBuilder(bwrap.toString(), "--unshare-all", "--die-with-parent",
                    "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--", "true")
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            byte[] output = probe.getInputStream().readNBytes(4096);
            if (!probe.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                probe.destroyForcibly();
                return Optional.of("an empty sandbox did not start within " + KILL_GRACE.toSeconds() + " s");
            }
            if (probe.exitValue() == 0) {
                bwrapWorks = true;
                return Optional.empty();
            }
            return Optional.of(new String(output, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while starting the sandbox");
        }
    }

    private List<String> bwrapCommand(Path bwrap, List<Path> writable, String command) {
        List<String> args = new ArrayList<>(List.of(bwrap.toString(),
                "--unshare-all", "--die-with-parent", "--new-session",
                "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        for (Path hidden : hiddenPaths()) {
            if (Files.isDirectory(hidden, LinkOption.NOFOLLOW_LINKS)) {
                args.addAll(List.of("--tmpfs", hidden.toString()));
            } else if (Files.isRegularFile(hidden, LinkOption.NOFOLLOW_LINKS)) {
                args.addAll(List.of("--ro-bind", "/dev/null", hidden.toString()));
            }
        }
        // Git metadata of a linked worktree lives in the main repository; bound after the tmpfs mounts
        // so a repository under /tmp or a hidden folder stays visible, and read-only so hooks and
        // config cannot be changed.
        for (Path gitDir : gitDirs()) {
            args.addAll(List.of("--ro-bind", gitDir.toString(), gitDir.toString()));
        }
        args.addAll(List.of("--ro-bind", guard.root().toString(), guard.root().toString()));
        // Parents before children, so a nested writable folder is bound on top of its parent's bind.
        for (Path dir : writable.stream().sorted(Comparator.comparingInt(Path::getNameCount)).toList()) {
            args.addAll(List.of("--bind", dir.toString(), dir.toString()));
        }
        args.add("--clearenv");
        commandEnvironment().forEach((k, v) -> args.addAll(List.of("--setenv", k, v)));
        args.addAll(List.of("--chdir", guard.root().toString(), "--", "bash", "-c", command));
        return args;
    }

    /**
     * The configured paths plus the credential stores in the invoking user's home: a command can read the
     * whole filesystem, and keys, tokens and cloud logins are the files an injected prompt would go for.
     */
    List<Path> hiddenPaths() {
        List<Path> hidden = new ArrayList<>(settings.hiddenPaths());
        Optional.ofNullable(parentEnv.get("HOME")).filter(h -> h.startsWith("/") && !h.equals("/"))
                .map(Path::of).ifPresent(home -> CREDENTIALS.forEach(c -> hidden.add(home.resolve(c))));
        return hidden;
    }

    /** The worktree's git directory and the repository's common one, when {@code .git} is a file pointing there. */
    private List<Path> gitDirs() {
        Path dotGit = guard.root().resolve(".git");
        if (!Files.isRegularFile(dotGit, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<Path> dirs = new ArrayList<>();
        try {
            String line = Files.readString(dotGit).strip();
            if (!line.startsWith("gitdir:")) {
                return List.of();
            }
            Path gitDir = guard.root().resolve(line.substring("gitdir:".length()).strip()).toRealPath();
            Path commonFile = gitDir.resolve("commondir");
            if (Files.isRegularFile(commonFile)) {
                dirs.add(gitDir.resolve(Files.readString(commonFile).strip()).toRealPath());
            }
            if (dirs.stream().noneMatch(gitDir::startsWith)) {
                dirs.add(gitDir);
            }
        } catch (IOException e) {
            // An unreadable or dangling .git file: git will not work inside, everything else will.
            return dirs;
        }
        return dirs;
    }

    /** @param ownGroup whether the command leads a process group of its own (its pid is the group id) */
    private Outcome execute(List<String> launch, boolean ownGroup) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(launch)
                .directory(guard.root().toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(commandEnvironment());
        long start = System.nanoTime();
        Process process = builder.start();
        OutputCapture capture = new OutputCapture(settings.outputCapBytes());
        Thread reader = Thread.ofVirtual().start(() -> capture.drain(process.getInputStream()));
        boolean finished;
        try {
            finished = process.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            // Whatever the command left running in the background goes with it.
            killAll(process, ownGroup);
            process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            if (!reader.join(KILL_GRACE)) {
                process.getInputStream().close();
                reader.join(KILL_GRACE);
            }
            process.getInputStream().close();
        } catch (InterruptedException e) {
            killAll(process, ownGroup);
            Thread.currentThread().interrupt();
            throw KleiberException.failed("interrupted while running a command");
        }
        Output output = new Output(capture.text(), capture.totalBytes(), capture.truncated());
        if (!finished) {
            return new Outcome.TimedOut(output, settings.timeout());
        }
        return new Outcome.Finished(process.exitValue(), output, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Under bwrap the command's processes share a pid namespace that dies with bwrap; unconfined, the
     * process group catches what was started in the background and outlived its parent.
     */
    private void killAll(Process process, boolean ownGroup) {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (ownGroup) {
            killGroup(process.pid());
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
        // Through the handle, not Process.destroyForcibly(), which also closes the output stream and
        // would throw away whatever the reader has not consumed yet.
        process.toHandle().destroyForcibly();
    }

    private void killGroup(long pgid) {
        Optional<Path> kill = findOnPath("kill");
        if (kill.isEmpty()) {
            return;
        }
        try {
            Process killer = new ProcessBuilder(kill.get().toString(), "-KILL", "--", "-" + pgid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            killer.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            // No kill binary to run: the descendants found above are still killed one by one.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Optional<Path> findOnPath(String program) {
        String path = commandEnvironment().get("PATH");
        for (String dir : path.split(":")) {
            // A relative entry would resolve against Kleiber's working directory, which a repository controls.
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

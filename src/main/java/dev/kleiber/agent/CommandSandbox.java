package dev.kleiber.agent;

import dev.kleiber.KleiberException;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.SandboxPolicy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Runs an agent's {@code bash -c COMMAND} under the hardened bubblewrap sandbox ({@link SystemView}): no
 * capability, a non-root uid in a user namespace of its own, every namespace unshared (no network), a filesystem
 * of the system folders, the configured {@code sandbox.read} folders, the worktree (read-only but the role's
 * writable folders) and its git metadata (read-only), a private size-limited {@code /tmp}, and nothing else of
 * the host: no home folder, no main checkout, no other worktree. A clean environment with no secret in it, the
 * per-command limits ({@link CommandCgroup} and rlimits), a timeout that kills every process the command started,
 * and output kept to a head and a tail. When {@link SandboxProbe} finds the hardening cannot be applied, commands
 * are refused (fail closed). Mode {@link Mode#NONE} runs without bubblewrap (clean environment, timeout and cap,
 * but no filesystem, network or resource containment) and must be chosen explicitly.
 *
 * <p>The writable folders are the directories of the role's write globs of the form {@code dir/**}
 * (created when missing, refused when a symlink or outside the worktree). A glob of any other shape
 * ({@code **}{@code /*.md}, {@code src/*.ts}) names no single folder, so it makes nothing writable
 * here; the file tools still honour it.
 */
public final class CommandSandbox {
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

    /**
     * Mode, wall-clock limit per command, how many output bytes are kept, the {@code sandbox.read} folders
     * (absolute, or {@code ~/...} for Kleiber's home) bound read-only, and the per-command limits.
     */
    public record Settings(Mode mode, Duration timeout, int outputCapBytes, List<String> readPaths,
                           SandboxPolicy.Limits limits) {
        public Settings {
            readPaths = List.copyOf(readPaths);
            for (String read : readPaths) {
                if (!(read.startsWith("/") || read.startsWith("~/")) || read.replaceAll("[/~]", "").isEmpty()) {
                    throw KleiberException.badInput("a sandbox.read path must be an absolute path or ~/folder, "
                            + "other than / and ~; found '" + read + "'");
                }
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw KleiberException.badInput("command timeout must be positive; found " + timeout);
            }
            if (outputCapBytes < 1024) {
                throw KleiberException.badInput("command output cap must be at least 1024 bytes; found " + outputCapBytes);
            }
        }

        /** bwrap, two minutes, 64 KiB, nothing more to read, the default limits. */
        public static Settings defaults() {
            return new Settings(Mode.BWRAP, Duration.ofMinutes(2), 64 * 1024, List.of(), SandboxPolicy.Limits.defaults());
        }

        /** What a project's kleiber.yaml asks for, with the default timeout and output cap. */
        public static Settings of(KleiberConfig config) {
            Mode mode = config.sandbox() == KleiberConfig.Sandbox.NONE ? Mode.NONE : Mode.BWRAP;
            return defaults().withMode(mode).withReadPaths(config.sandboxPolicy().read())
                    .withLimits(config.sandboxPolicy().limits());
        }

        public Settings withTimeout(Duration newTimeout) {
            return new Settings(mode, newTimeout, outputCapBytes, readPaths, limits);
        }

        public Settings withMode(Mode newMode) {
            return new Settings(newMode, timeout, outputCapBytes, readPaths, limits);
        }

        public Settings withReadPaths(List<String> paths) {
            return new Settings(mode, timeout, outputCapBytes, paths, limits);
        }

        public Settings withLimits(SandboxPolicy.Limits newLimits) {
            return new Settings(mode, timeout, outputCapBytes, readPaths, newLimits);
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
        /** @param limitHits the per-command limits it ran into, in the order the model is told them */
        record Finished(int exitCode, Output output, Duration elapsed, List<LimitHit> limitHits) implements Outcome {
            public Finished {
                limitHits = List.copyOf(limitHits);
            }

            /** {@code Exit code: 137 — killed: memory limit 2 GiB}, as the model reads it. */
            public String exitLine() {
                return "Exit code: " + exitCode + limitHits.stream().map(h -> " — " + h.describe())
                        .collect(Collectors.joining());
            }
        }

        /** Killed with every process it started when the timeout passed. */
        record TimedOut(Output output, Duration timeout, List<LimitHit> limitHits) implements Outcome {
            public TimedOut {
                limitHits = List.copyOf(limitHits);
            }
        }

        /** Not started: no sandbox on this machine, or the role's writable folders are unsafe. */
        record Refused(String reason) implements Outcome {
        }
    }

    /** How an outside program is to be started in this sandbox. */
    public sealed interface Confinement {
        /**
         * The command line that starts the program confined, and what to release once it has ended (its cgroup).
         * Mode {@link Mode#NONE} gives the program's own command line: unconfined, as commands are then.
         */
        record Confined(List<String> command, Runnable release) implements Confinement, AutoCloseable {
            public Confined {
                command = List.copyOf(command);
            }

            @Override
            public void close() {
                release.run();
            }
        }

        /** Not to be started: no sandbox on this machine, or the role's writable folders are unsafe. */
        record Refused(String reason) implements Confinement {
        }
    }

    private final PathGuard guard;
    private final Map<String, String> parentEnv;
    private final Settings settings;
    private final SandboxProbe probe;
    private final Map<String, Path> configCopies = new ConcurrentHashMap<>();

    /**
     * @param parentEnv the environment Kleiber runs in; only {@code PATH} and {@code LANG} are taken
     *                  from it (to find tools), and {@code HOME} to resolve {@code ~/} in {@code sandbox.read};
     *                  nothing else reaches the command
     */
    public CommandSandbox(PathGuard guard, Map<String, String> parentEnv, Settings settings) {
        this(guard, parentEnv, settings, new SandboxProbe(parentEnv, settings.limits()));
    }

    /** With a probe shared by many sandboxes (one per validation command), so the machine is probed once. */
    public CommandSandbox(PathGuard guard, Map<String, String> parentEnv, Settings settings, SandboxProbe probe) {
        this.guard = guard;
        this.parentEnv = Map.copyOf(parentEnv);
        this.settings = settings;
        this.probe = probe;
    }

    /** The environment a command sees, whole. */
    Map<String, String> commandEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", Optional.ofNullable(parentEnv.get("PATH")).filter(p -> !p.isBlank())
                .orElse(SandboxProbe.DEFAULT_PATH));
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

    /** The per-command limits as the model reads them in the tool's description. */
    public static String describeLimits(SandboxPolicy.Limits limits) {
        return "Limits: " + limits.processes() + " processes and " + SandboxPolicy.Limits.size(limits.memoryBytes())
                + " of memory per command, files up to " + SandboxPolicy.Limits.size(limits.fileSizeBytes()) + ", /tmp "
                + SandboxPolicy.Limits.size(limits.tmpBytes()) + ", " + limits.cpuTime().toSeconds()
                + " s of CPU per process; a limit hit is named after the exit code.";
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

    /**
     * Confines a long-running outside program (an agent CLI) as a command is: the same system view, worktree (the
     * role's folders writable), git metadata, {@code sandbox.read} folders, rlimits, cgroup and no network, plus
     * {@code readOnly} and {@code writable} paths of its own (its executable, its settings, its home). Its
     * environment is the command environment overlaid with {@code env}, nothing else of Kleiber's. The caller
     * starts the command on a platform thread (bwrap's {@code --die-with-parent}, see {@link #run}) and closes
     * the result when the program has ended.
     *
     * <p>Unlike a command, such a program also gets the folder each other write glob lies in ({@code src/} for
     * {@code src/**}{@code /*.test.js}, the worktree for {@code openapi.yaml} or {@code **}{@code /*.md}): its own
     * guard judges each write by the glob, and the session's real diff is checked against the globs afterwards, so a
     * role that names files rather than folders can work through it. {@code .git}, {@code .kleiber}, the protocol
     * folders and the append-only logs inside such a folder stay read-only.
     */
    public Confinement confine(List<String> program, Map<String, String> env, List<Path> readOnly, List<Path> writable) {
        if (settings.mode() == Mode.NONE) {
            return new Confinement.Confined(program, () -> {
            });
        }
        SandboxProbe.Result probed = probe.result();
        if (probed.support() instanceof SandboxSupport.Unavailable no) {
            return new Confinement.Refused("the sandbox cannot be hardened here: " + no.reason() + ". Fix: " + no.fix());
        }
        List<Path> roleFolders = new ArrayList<>();
        for (String dir : writableGlobDirs(guard.permissions())) {
            switch (prepareWritable(guard, dir)) {
                case PathGuard.Decision.Allowed allowed -> roleFolders.add(allowed.path());
                case PathGuard.Decision.Refused refused -> {
                    return new Confinement.Refused("the role's writable folder " + dir + "/ cannot be bound: "
                            + refused.reason());
                }
            }
        }
        // the folders other globs lie in, judged as any write but by where they are, not by the role's globs
        PathGuard anyWrite = new PathGuard(guard.root(), RolePermissions.of(guard.permissions().role(),
                guard.permissions().tools(), List.of("**"), List.of(), List.of()));
        for (String dir : enclosingFolders(guard.permissions())) {
            if (dir.isEmpty()) {
                roleFolders.add(guard.root());
                continue;
            }
            switch (prepareWritable(anyWrite, dir)) {
                case PathGuard.Decision.Allowed allowed -> roleFolders.add(allowed.path());
                case PathGuard.Decision.Refused refused -> {
                    return new Confinement.Refused("the folder " + dir + "/ of the role's write globs cannot be bound: "
                            + refused.reason());
                }
            }
        }
        Optional<CommandCgroup> cgroup;
        try {
            cgroup = CommandCgroup.create(probed.limits(), settings.limits());
        } catch (IOException e) {
            return new Confinement.Refused("the program's cgroup cannot be created: " + e.getMessage());
        }
        List<String> launch = new ArrayList<>();
        cgroup.ifPresent(group -> {
            launch.addAll(List.of("/bin/sh", "-c", CommandCgroup.JOIN_SCRIPT, "kleiber-cgroup"));
            launch.addAll(group.procsFiles());
            launch.add("--");
        });
        List<Path> kept;
        try {
            kept = protectedInside(roleFolders);
        } catch (IOException e) {
            cgroup.ifPresent(CommandCgroup::close);
            return new Confinement.Refused("the worktree's .kleiber folder cannot be made: " + e.getMessage());
        }
        launch.addAll(mounts(probed.bwrap().orElseThrow(), roleFolders));
        for (Path path : kept) {
            launch.addAll(List.of("--ro-bind", path.toString(), path.toString()));
        }
        for (Path path : writable) {
            launch.addAll(List.of("--bind", path.toString(), path.toString()));
        }
        // after the writable ones: a read-only file inside a writable folder stays read-only
        for (Path path : readOnly) {
            launch.addAll(List.of("--ro-bind", path.toString(), path.toString()));
        }
        Map<String, String> environment = new LinkedHashMap<>(commandEnvironment());
        environment.putAll(env);
        launch.addAll(SystemView.seal());
        launch.add("--clearenv");
        environment.forEach((k, v) -> launch.addAll(List.of("--setenv", k, v)));
        launch.addAll(List.of("--chdir", guard.root().toString(), "--",
                "bash", "-c", rlimitScript(probed.limits().cgroup(), "exec \"$@\""), "kleiber-limits"));
        launch.addAll(program);
        return new Confinement.Confined(launch, () -> cgroup.ifPresent(CommandCgroup::close));
    }

    private Outcome runHere(String command) {
        if (settings.mode() == Mode.NONE) {
            List<String> launch = new ArrayList<>();
            // A new session makes the command a process group of its own, which the timeout kills whole.
            Optional<Path> setsid = findOnPath("setsid");
            setsid.ifPresent(path -> launch.add(path.toString()));
            launch.addAll(List.of("bash", "-c", command));
            return start(launch, setsid.isPresent(), Optional.empty());
        }
        SandboxProbe.Result probed = probe.result();
        if (probed.support() instanceof SandboxSupport.Unavailable no) {
            return new Outcome.Refused("run_command is refused because the sandbox cannot be hardened here: "
                    + no.reason() + ". Fix: " + no.fix());
        }
        List<Path> writable = new ArrayList<>();
        for (String dir : writableGlobDirs(guard.permissions())) {
            switch (prepareWritable(guard, dir)) {
                case PathGuard.Decision.Allowed allowed -> writable.add(allowed.path());
                case PathGuard.Decision.Refused refused -> {
                    return new Outcome.Refused("the role's writable folder " + dir + "/ cannot be bound: "
                            + refused.reason());
                }
            }
        }
        Optional<CommandCgroup> cgroup;
        try {
            cgroup = CommandCgroup.create(probed.limits(), settings.limits());
        } catch (IOException e) {
            return new Outcome.Refused("the command's cgroup cannot be created: " + e.getMessage());
        }
        try {
            List<String> launch = new ArrayList<>();
            cgroup.ifPresent(group -> {
                launch.addAll(List.of("/bin/sh", "-c", CommandCgroup.JOIN_SCRIPT, "kleiber-cgroup"));
                launch.addAll(group.procsFiles());
                launch.add("--");
            });
            launch.addAll(bwrapCommand(probed.bwrap().orElseThrow(), writable, command, probed.limits().cgroup()));
            return start(launch, false, cgroup);
        } finally {
            // The command's processes are gone with its pid namespace; the kernel takes a few more milliseconds
            // to drop them from the group, which the result need not wait for.
            cgroup.ifPresent(group -> Thread.ofVirtual().name("kleiber-cgroup-cleanup").start(group::close));
        }
    }

    private Outcome start(List<String> launch, boolean ownGroup, Optional<CommandCgroup> cgroup) {
        try {
            return execute(launch, ownGroup, cgroup);
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

    /**
     * The folders the write globs that name no folder lie in: the glob's leading components up to the first wildcard
     * (a glob without one names a file: its folder); {@code ""} is the worktree itself.
     */
    static List<String> enclosingFolders(RolePermissions permissions) {
        List<String> folders = new ArrayList<>();
        for (Glob glob : permissions.writeGlobs()) {
            if (glob.exactDirectory().isPresent()) {
                continue;
            }
            List<String> literal = new ArrayList<>();
            String[] parts = glob.text().split("/");
            for (String part : parts) {
                if (part.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
                    break;
                }
                literal.add(part);
            }
            if (literal.size() == parts.length) {
                literal.removeLast(); // a file: its folder
            }
            folders.add(String.join("/", literal));
        }
        return folders.stream().distinct().toList();
    }

    /**
     * What stays read-only inside the writable folders: {@code .git}, {@code .kleiber}, the protocol folders and the
     * append-only logs that exist there (never through a symlink: one is bound only where it really is).
     */
    private List<Path> protectedInside(List<Path> writableFolders) throws IOException {
        Path kleiber = guard.root().resolve(".kleiber");
        if (writableFolders.contains(guard.root()) && !Files.exists(kleiber, LinkOption.NOFOLLOW_LINKS)) {
            // git ignores it, so the diff check would not see it, and the validator reads the worktree's
            // .kleiber/lint-baseline.txt: an empty folder bound read-only, so nothing can be planted there
            Files.createDirectory(kleiber);
        }
        List<String> names = new ArrayList<>(List.of(".git", ".kleiber"));
        names.addAll(PathGuard.PROTOCOL_FOLDERS.stream().sorted().toList());
        names.addAll(PathNames.APPEND_ONLY_LOGS);
        return names.stream().map(guard.root()::resolve)
                .filter(path -> writableFolders.stream().anyMatch(path::startsWith))
                .filter(path -> Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                        || Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
                .toList();
    }

    /** Checks a writable folder like any write and creates it when missing, so bwrap has something to bind. */
    private static PathGuard.Decision prepareWritable(PathGuard guard, String dir) {
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
     * bwrap with the hardened system view, then (later mounts on top of earlier ones) the {@code sandbox.read}
     * folders and the git metadata read-only, the worktree read-only, its writable folders; then the clean
     * environment, and the command under the rlimits.
     */
    private List<String> bwrapCommand(Path bwrap, List<Path> writable, String command, boolean cgroup) {
        List<String> args = mounts(bwrap, writable);
        args.addAll(SystemView.seal());
        args.add("--clearenv");
        commandEnvironment().forEach((k, v) -> args.addAll(List.of("--setenv", k, v)));
        args.addAll(List.of("--chdir", guard.root().toString(), "--",
                "bash", "-c", rlimitScript(cgroup, "exec bash -c \"$1\""), "kleiber-limits", command));
        return args;
    }

    /** bwrap and its mounts, up to the seal: the system view, read folders, git metadata, worktree, writable folders. */
    private List<String> mounts(Path bwrap, List<Path> writable) {
        List<String> args = new ArrayList<>();
        args.add(bwrap.toString());
        args.addAll(SystemView.host().arguments(settings.limits().tmpBytes()));
        for (Path read : readPaths()) {
            args.addAll(List.of("--ro-bind-try", read.toString(), read.toString()));
        }
        // Git metadata of a linked worktree lives in the main repository: read-only, so hooks and config
        // cannot be planted, while git status and git diff work inside.
        List<Path> gitDirs = gitDirs();
        for (Path gitDir : gitDirs) {
            args.addAll(List.of("--ro-bind", gitDir.toString(), gitDir.toString()));
        }
        args.addAll(gitSecretsHidden(gitDirs));
        args.addAll(List.of("--ro-bind", guard.root().toString(), guard.root().toString()));
        // Parents before children, so a nested writable folder is bound on top of its parent's bind.
        for (Path dir : writable.stream().sorted(Comparator.comparingInt(Path::getNameCount)).toList()) {
            args.addAll(List.of("--bind", dir.toString(), dir.toString()));
        }
        return args;
    }

    /**
     * Sets the rlimits inside the sandbox, where the command cannot raise them again (no capability), then
     * runs {@code exec} (the command's {@code bash -c COMMAND}, or a confined program). CPU time is soft at the limit (SIGXCPU, told apart) and hard a second
     * later. Processes and memory are rlimits only when no cgroup counts them: RLIMIT_NPROC is counted per uid
     * in the sandbox's own user namespace, and set inside it so that Kleiber's other processes do not count.
     */
    private String rlimitScript(boolean cgroup, String exec) {
        SandboxPolicy.Limits limits = settings.limits();
        long cpu = limits.cpuTime().toSeconds();
        String fileKib = String.valueOf((limits.fileSizeBytes() + 1023) / 1024);
        String perProcess = cgroup ? "" : " -u " + limits.processes() + " -d " + (limits.memoryBytes() / 1024);
        return "ulimit -c 0 && ulimit -S -t " + cpu + " -f " + fileKib + perProcess
                + " && ulimit -H -t " + (cpu + 1) + " -f " + fileKib + perProcess + " && " + exec;
    }

    /** The {@code sandbox.read} folders, {@code ~/} resolved against Kleiber's home; absent ones are skipped by bwrap. */
    List<Path> readPaths() {
        Optional<Path> home = Optional.ofNullable(parentEnv.get("HOME")).filter(h -> h.startsWith("/") && !h.equals("/"))
                .map(Path::of);
        List<Path> paths = new ArrayList<>();
        for (String read : settings.readPaths()) {
            if (read.startsWith("~/")) {
                home.ifPresent(h -> paths.add(h.resolve(read.substring(2)).normalize()));
            } else {
                paths.add(Path.of(read).normalize());
            }
        }
        return paths;
    }

    /**
     * The repository's config and FETCH_HEAD can hold a remote URL with a token in it: the command sees a copy of
     * the config with only the sections git needs to read the repository ({@code core}'s format keys and
     * {@code extensions}), and an empty FETCH_HEAD.
     */
    private List<String> gitSecretsHidden(List<Path> gitDirs) {
        List<String> args = new ArrayList<>();
        for (Path gitDir : gitDirs) {
            Path config = gitDir.resolve("config");
            if (Files.isRegularFile(config, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    String visible = GitConfigCopy.withoutSecrets(Files.readString(config));
                    // one copy per distinct content for this sandbox's life, not one per command
                    Path copy = configCopies.computeIfAbsent(visible, text -> {
                        try {
                            Path file = Files.createTempFile("kleiber-gitconfig-", ".txt");
                            file.toFile().deleteOnExit();
                            return Files.writeString(file, text);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                    args.addAll(List.of("--ro-bind", copy.toString(), config.toString()));
                } catch (IOException | RuntimeException e) {
                    // No copy, no config: git inside falls back to its defaults rather than see a secret.
                    args.addAll(List.of("--ro-bind", "/dev/null", config.toString()));
                }
            }
            Path fetchHead = gitDir.resolve("FETCH_HEAD");
            if (Files.isRegularFile(fetchHead, LinkOption.NOFOLLOW_LINKS)) {
                args.addAll(List.of("--ro-bind", "/dev/null", fetchHead.toString()));
            }
        }
        return args;
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
    private Outcome execute(List<String> launch, boolean ownGroup, Optional<CommandCgroup> cgroup) throws IOException {
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
        List<LimitHit> hits = new ArrayList<>(cgroup.map(CommandCgroup::hits).orElse(List.of()));
        if (!finished) {
            return new Outcome.TimedOut(output, settings.timeout(), hits);
        }
        int exit = process.exitValue();
        if (exit == 125 && output.text().startsWith(CommandCgroup.JOIN_FAILED)) {
            return new Outcome.Refused(output.text().strip());
        }
        if (settings.mode() == Mode.BWRAP) {
            // 128 + SIGXCPU and 128 + SIGXFSZ: the signals the kernel sends at the rlimits set above.
            if (exit == 152) {
                hits.add(new LimitHit.CpuTimeExceeded(settings.limits().cpuTime()));
            } else if (exit == 153) {
                hits.add(new LimitHit.FileTooLarge(settings.limits().fileSizeBytes()));
            }
        }
        return new Outcome.Finished(exit, output, Duration.ofNanos(System.nanoTime() - start), hits);
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
        return SandboxProbe.findOnPath(program, commandEnvironment().get("PATH"));
    }
}

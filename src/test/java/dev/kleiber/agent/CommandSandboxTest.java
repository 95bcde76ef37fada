package dev.kleiber.agent;

import dev.kleiber.KleiberException;
import dev.kleiber.config.SandboxPolicy;
import dev.kleiber.routing.Roles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static dev.kleiber.agent.Json.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command sandbox against a real bwrap: network, secrets, runaway processes, floods of output. */
class CommandSandboxTest {
    private static final String FAKE_KEY = "sk-ant-api03-FAKE-kleiber-test-key-0123456789";

    @TempDir
    Path temp;

    private AgentWorktree wt;
    private Map<String, String> parentEnv;

    @BeforeEach
    void setUp() {
        wt = AgentWorktree.create(temp);
        parentEnv = new HashMap<>(Map.of(
                "PATH", System.getenv("PATH"),
                "ANTHROPIC_API_KEY", FAKE_KEY,
                "AWS_SECRET_ACCESS_KEY", "fake-aws-secret",
                "KLEIBER_DB_PASSWORD", "fake-db-password"));
    }

    private CommandSandbox sandbox(CommandSandbox.Settings settings) {
        return new CommandSandbox(new PathGuard(wt.worktree(), RolePermissions.blueprintDefault(Roles.ENGINEER_BACKEND)),
                parentEnv, settings);
    }

    private CommandSandbox bwrap(Duration timeout) {
        return sandbox(CommandSandbox.Settings.defaults().withTimeout(timeout));
    }

    private static CommandSandbox.Outcome.Finished finished(CommandSandbox.Outcome outcome) {
        assertThat(outcome).isInstanceOf(CommandSandbox.Outcome.Finished.class);
        return (CommandSandbox.Outcome.Finished) outcome;
    }

    @Test
    void reachingTheNetworkFailsInsideTheSandbox() throws Exception {
        Bwrap.assumeInstalled();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(300);
            String command = "echo hello > /dev/tcp/127.0.0.1/" + server.getLocalPort() + " && echo CONNECTED"
                    + " || echo NO-NETWORK";
            CommandSandbox.Outcome.Finished result = finished(bwrap(Duration.ofSeconds(20)).run(command));
            assertThat(result.output().text()).as("exit %d", result.exitCode()).contains("NO-NETWORK").doesNotContain("CONNECTED");
            assertThat(acceptedAnything(server)).isFalse();

            // The same command unconfined does connect, so the test above measured the sandbox.
            CommandSandbox.Outcome.Finished direct = finished(sandbox(CommandSandbox.Settings.defaults()
                    .withMode(CommandSandbox.Mode.NONE).withTimeout(Duration.ofSeconds(20))).run(command));
            assertThat(direct.output().text()).contains("CONNECTED");
            assertThat(acceptedAnything(server)).isTrue();
        }
    }

    private static boolean acceptedAnything(ServerSocket server) throws IOException {
        try {
            server.accept().close();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /**
     * An outside program (an agent CLI, see dev.kleiber.claudecode) confined as commands are: no network, the role's
     * folders and its own writable folders the only places it writes, its read-only files read-only even inside
     * those, an environment of the command environment and its own variables only.
     */
    @Test
    void aConfinedProgramIsHeldLikeACommand() throws Exception {
        Bwrap.assumeInstalled();
        Path own = Files.createDirectories(temp.resolve("session/home"));
        Path fixed = Files.writeString(own.resolve("settings.json"), "{}");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(300);
            String script = String.join("; ",
                    "(echo hi > /dev/tcp/127.0.0.1/" + server.getLocalPort() + ") 2>/dev/null && echo CONNECTED || echo NO-NETWORK",
                    "(echo x > src/backend/by-program.txt) && echo ROLE-WRITTEN",
                    "(echo x > README.md) 2>/dev/null && echo README-WRITTEN || echo README-DENIED",
                    "(echo x > " + own.resolve("state.json") + ") && echo OWN-WRITTEN",
                    "(echo x > " + fixed + ") 2>/dev/null && echo FIXED-WRITTEN || echo FIXED-DENIED",
                    "echo UID=$(id -u) KEY=${ANTHROPIC_API_KEY:-absent} MINE=$MINE");
            CommandSandbox.Confinement confinement = bwrap(Duration.ofSeconds(20)).confine(List.of("/bin/sh", "-c", script),
                    Map.of("MINE", "given"), List.of(fixed), List.of(own));
            assertThat(confinement).isInstanceOf(CommandSandbox.Confinement.Confined.class);
            String out;
            try (CommandSandbox.Confinement.Confined confined = (CommandSandbox.Confinement.Confined) confinement) {
                ProcessBuilder builder = new ProcessBuilder(confined.command()).redirectErrorStream(true);
                builder.environment().clear();
                Process process = builder.start();
                out = new String(process.getInputStream().readAllBytes());
                assertThat(process.waitFor()).as(out).isZero();
            }
            assertThat(out).contains("NO-NETWORK", "ROLE-WRITTEN", "README-DENIED", "OWN-WRITTEN", "FIXED-DENIED",
                    "UID=1000 KEY=absent MINE=given").doesNotContain("CONNECTED", "README-WRITTEN", "FIXED-WRITTEN");
            assertThat(acceptedAnything(server)).isFalse();
            assertThat(wt.worktree().resolve("src/backend/by-program.txt")).exists();
            assertThat(own.resolve("state.json")).exists();
            assertThat(fixed).hasContent("{}");
        }
        // unconfined by the project's explicit choice: the program's own command line
        assertThat(sandbox(CommandSandbox.Settings.defaults().withMode(CommandSandbox.Mode.NONE))
                .confine(List.of("/bin/true"), Map.of(), List.of(), List.of()))
                .isInstanceOfSatisfying(CommandSandbox.Confinement.Confined.class,
                        none -> assertThat(none.command()).containsExactly("/bin/true"));
    }

    /**
     * A role whose write globs name files rather than folders: a confined program (whose own hook judges each file,
     * the real diff checked afterwards) gets the folders they lie in, with Kleiber's own files in them kept read-only.
     */
    @Test
    void aConfinedProgramMayWriteTheFoldersOfGlobsThatNameNoFolder() throws Exception {
        Bwrap.assumeInstalled();
        RolePermissions role = RolePermissions.of("engineer-backend", java.util.EnumSet.allOf(ToolName.class),
                List.of("src/backend/**", "src/**/*.test.js", "openapi.yaml", "docs/api/*.md"), List.of(), List.of());
        assertThat(CommandSandbox.enclosingFolders(role)).containsExactly("src", "", "docs/api");
        Files.createDirectories(wt.worktree().resolve("tasks/engineer-backend"));
        String script = String.join("; ",
                "(echo x > src/frontend.test.js) && echo TEST-WRITTEN",
                "(echo x > openapi.yaml) && echo ROOT-FILE-WRITTEN",
                "(echo x > docs/api/a.md) && echo DOCS-WRITTEN",
                "if [ -d .git ]; then (touch .git/probe) 2>/dev/null && echo GIT-WRITTEN || echo GIT-DENIED; "
                        + "else (echo x >> .git) 2>/dev/null && echo GIT-WRITTEN || echo GIT-DENIED; fi",
                "(echo x > tasks/engineer-backend/t.md) 2>/dev/null && echo TASKS-WRITTEN || echo TASKS-DENIED",
                "(mkdir -p .kleiber && echo x > .kleiber/lint-baseline.txt) 2>/dev/null && echo KLEIBER-WRITTEN "
                        + "|| echo KLEIBER-DENIED");
        CommandSandbox sandbox = new CommandSandbox(new PathGuard(wt.worktree(), role), parentEnv,
                CommandSandbox.Settings.defaults().withTimeout(Duration.ofSeconds(20)));
        String out;
        try (CommandSandbox.Confinement.Confined confined = (CommandSandbox.Confinement.Confined) sandbox.confine(
                List.of("/bin/sh", "-c", script), Map.of(), List.of(), List.of())) {
            ProcessBuilder builder = new ProcessBuilder(confined.command()).redirectErrorStream(true);
            builder.environment().clear();
            Process process = builder.start();
            out = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor()).as(out).isZero();
        }
        assertThat(out).contains("TEST-WRITTEN", "ROOT-FILE-WRITTEN", "DOCS-WRITTEN", "GIT-DENIED", "TASKS-DENIED",
                "KLEIBER-DENIED").doesNotContain("GIT-WRITTEN", "TASKS-WRITTEN", "KLEIBER-WRITTEN");
        assertThat(wt.worktree().resolve("openapi.yaml")).exists();
        assertThat(wt.worktree().resolve("tasks/engineer-backend/t.md")).doesNotExist();
        assertThat(wt.worktree().resolve(".kleiber/lint-baseline.txt")).as("no .kleiber in the worktree to plant into")
                .doesNotExist();
        // commands keep to whole folders: their writes are judged by nothing else
        assertThat(finished(sandbox.run("(echo x > openapi.yaml) 2>/dev/null && echo W || echo D")).output().text())
                .contains("D").doesNotContain("W");
    }

    @Test
    void theApiKeyAndOtherSecretsNeverReachTheCommand() {
        Bwrap.assumeInstalled();
        String command = "env; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n'; echo KEY=${ANTHROPIC_API_KEY:-absent}";
        for (CommandSandbox.Mode mode : CommandSandbox.Mode.values()) {
            String out = finished(sandbox(CommandSandbox.Settings.defaults().withMode(mode)).run(command)).output().text();
            assertThat(out).as(mode.name()).contains("KEY=absent", "HOME=/tmp", "TERM=dumb", "PATH=")
                    .doesNotContain(FAKE_KEY, "fake-aws-secret", "fake-db-password", "ANTHROPIC");
        }
        assertThat(bwrap(Duration.ofSeconds(20)).commandEnvironment()).containsOnlyKeys("PATH", "HOME", "LANG", "TERM");
    }

    @Test
    void aCommandRunningForeverIsKilledWithItsBackgroundChildren() throws Exception {
        Bwrap.assumeInstalled();
        String marker = "98765" + ProcessHandle.current().pid();
        CommandSandbox.Outcome outcome = bwrap(Duration.ofSeconds(1)).run(
                "(sleep " + marker + "1; echo late > src/backend/late.txt) & echo started; sleep " + marker + "2");
        assertThat(outcome).isInstanceOfSatisfying(CommandSandbox.Outcome.TimedOut.class, t -> {
            assertThat(t.output().text()).contains("started");
            assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(1));
        });
        assertNoProcessMentions(marker);
        assertThat(wt.worktree().resolve("src/backend/late.txt")).doesNotExist();
    }

    @Test
    void unconfinedCommandsAlsoLoseTheirBackgroundChildren() throws Exception {
        String marker = "87654" + ProcessHandle.current().pid();
        CommandSandbox none = sandbox(CommandSandbox.Settings.defaults().withMode(CommandSandbox.Mode.NONE)
                .withTimeout(Duration.ofSeconds(1)));
        assertThat(none.run("sleep " + marker + "1 & sleep " + marker + "2"))
                .isInstanceOf(CommandSandbox.Outcome.TimedOut.class);
        assertNoProcessMentions(marker);
        // Finished normally, but left a child holding the output pipe: it goes too, and the call returns.
        assertThat(finished(none.run("sleep " + marker + "3 & echo parent done")).output().text()).contains("parent done");
        assertNoProcessMentions(marker);
    }

    private static void assertNoProcessMentions(String marker) throws InterruptedException {
        List<String> left = List.of();
        for (int attempt = 0; attempt < 50; attempt++) {
            left = ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                    .map(p -> p.info().commandLine().orElse(""))
                    .filter(cmd -> cmd.contains(marker)).toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(left).as("processes still alive").isEmpty();
    }

    @Test
    void printingAHundredMegabytesIsCappedAndDrained() {
        Bwrap.assumeInstalled();
        long hundredMb = 100L * 1024 * 1024;
        CommandSandbox.Outcome.Finished result = finished(bwrap(Duration.ofSeconds(60)).run(
                "head -c " + hundredMb + " /dev/zero | tr '\\0' 'x'; echo; echo THE-END"));
        assertThat(result.exitCode()).isZero();
        assertThat(result.output().totalBytes()).isEqualTo(hundredMb + "\nTHE-END\n".length());
        assertThat(result.output().truncated()).isTrue();
        assertThat(result.output().text().length()).isLessThan(64 * 1024 + 100);
        assertThat(result.output().text()).startsWith("xxxx").contains("bytes of output omitted").endsWith("THE-END\n");
    }

    @Test
    void exitCodesAndStderrComeBack() {
        Bwrap.assumeInstalled();
        CommandSandbox.Outcome.Finished result = finished(bwrap(Duration.ofSeconds(20)).run("echo out; echo err >&2; exit 3"));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output().text()).isEqualTo("out\nerr\n");
        assertThat(result.output().truncated()).isFalse();
    }

    @Test
    void missingWritableFoldersAreCreatedSoTheRoleCanUseThem() {
        Bwrap.assumeInstalled();
        assertThat(wt.worktree().resolve("src/services")).doesNotExist();
        assertThat(finished(bwrap(Duration.ofSeconds(20)).run("echo ok > src/services/a.js")).exitCode()).isZero();
        assertThat(wt.worktree().resolve("src/services/a.js")).hasContent("ok");
    }

    @Test
    void aWritableFolderCommittedAsASymlinkOutIsNeverBound() throws Exception {
        Bwrap.assumeInstalled();
        Files.createDirectories(wt.worktree().resolve("src"));
        Files.createSymbolicLink(wt.worktree().resolve("src/db"), wt.evil());
        CommandSandbox.Outcome outcome = bwrap(Duration.ofSeconds(20)).run("echo pwned > src/db/x");
        assertThat(outcome).isInstanceOfSatisfying(CommandSandbox.Outcome.Refused.class,
                r -> assertThat(r.reason()).contains("src/db/", "symlink"));
        assertThat(wt.filesInEvil()).isEqualTo(1);

        RecordingEvents events = new RecordingEvents();
        ToolResult result = new ToolExecutor(new PathGuard(wt.worktree(),
                RolePermissions.blueprintDefault(Roles.ENGINEER_BACKEND)), bwrap(Duration.ofSeconds(20)), events)
                .execute("run_command", object("command", "echo pwned > src/db/x"));
        assertThat(result.isError()).isTrue();
        assertThat(events.last()).isInstanceOf(ToolEvent.Refused.class);
    }

    @Test
    void withoutBwrapRunCommandIsRefusedWithInstallAdvice() {
        parentEnv.put("PATH", temp.resolve("empty-bin").toString());
        RecordingEvents events = new RecordingEvents();
        ToolResult result = ToolExecutor.open(wt.worktree(), RolePermissions.blueprintDefault(Roles.ENGINEER_BACKEND),
                        parentEnv, CommandSandbox.Settings.defaults(), events)
                .execute("run_command", object("command", "touch src/backend/x"));
        assertThat(result.text()).contains("apt-get install bubblewrap", "sandbox: none");
        assertThat(result.isError()).isTrue();
        assertThat(events.last()).isInstanceOf(ToolEvent.Refused.class);
        assertThat(wt.worktree().resolve("src/backend/x")).doesNotExist();
    }

    @Test
    void runsFromAVirtualThreadAndAnInterruptKillsTheCommand() throws Exception {
        Bwrap.assumeInstalled();
        CommandSandbox sandbox = bwrap(Duration.ofSeconds(60));
        AtomicReference<CommandSandbox.Outcome> fromVirtual = new AtomicReference<>();
        Thread.ofVirtual().start(() -> fromVirtual.set(sandbox.run("echo from-virtual"))).join();
        assertThat(finished(fromVirtual.get()).output().text()).isEqualTo("from-virtual\n");

        String marker = "76543" + ProcessHandle.current().pid();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                sandbox.run("echo started; sleep " + marker);
            } catch (RuntimeException e) {
                thrown.set(e);
            }
        });
        for (int i = 0; i < 100 && ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().commandLine().orElse("").contains("sleep " + marker)); i++) {
            Thread.sleep(50);
        }
        caller.interrupt();
        caller.join(Duration.ofSeconds(20));
        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(KleiberException.class).hasMessageContaining("interrupted");
        assertNoProcessMentions(marker);
    }

    @Test
    void modeIsSpelledAsInKleiberYaml() {
        assertThat(CommandSandbox.Mode.parse("bwrap")).isEqualTo(CommandSandbox.Mode.BWRAP);
        assertThat(CommandSandbox.Mode.parse("none")).isEqualTo(CommandSandbox.Mode.NONE);
        assertThatThrownBy(() -> CommandSandbox.Mode.parse("docker")).isInstanceOf(KleiberException.class)
                .hasMessage("sandbox must be bwrap or none; found 'docker'");
        assertThatThrownBy(() -> new CommandSandbox.Settings(CommandSandbox.Mode.BWRAP, Duration.ZERO, 65536, List.of(),
                SandboxPolicy.Limits.defaults())).hasMessageContaining("timeout must be positive");
        for (String bad : List.of("home", "/", "~", "~/")) {
            assertThatThrownBy(() -> CommandSandbox.Settings.defaults().withReadPaths(List.of(bad)))
                    .hasMessageContaining("absolute path or ~/folder, other than / and ~; found '" + bad + "'");
        }
    }

    @Test
    void aBwrapThatCannotStartIsToldApartFromAFailingCommand() throws Exception {
        Path bin = Files.createDirectories(temp.resolve("fake-bin"));
        Path fake = bin.resolve("bwrap");
        Files.writeString(fake, "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n");
        fake.toFile().setExecutable(true);
        parentEnv.put("PATH", bin + ":" + System.getenv("PATH"));
        CommandSandbox.Outcome outcome = bwrap(Duration.ofSeconds(20)).run("touch src/backend/x");
        assertThat(outcome).isInstanceOfSatisfying(CommandSandbox.Outcome.Refused.class, r -> assertThat(r.reason())
                .contains("cannot be hardened", "setting up uid map: Permission denied", "user namespaces", "sandbox: none"));
        assertThat(wt.worktree().resolve("src/backend/x")).doesNotExist();
    }

    @Test
    void nothingBesideTheWorktreeAndItsGitMetadataIsVisible() throws Exception {
        Bwrap.assumeInstalled();
        AgentWorktree.write(wt.base(), "home/.ssh/id_ed25519", "FAKE-PRIVATE-KEY\n");
        CommandSandbox.Outcome.Finished result = finished(bwrap(Duration.ofSeconds(20)).run(
                "cat " + wt.base().resolve("home/.ssh/id_ed25519") + "; ls " + wt.evil() + "; ls " + wt.repo()
                        + "; cat src/backend/app.js; git log --oneline -1"));
        assertThat(result.output().text()).doesNotContain("FAKE-PRIVATE-KEY", "sentinel.txt", "kleiber.yaml")
                .contains("No such file", "export const port", "sample project");
    }

    @Test
    void theHomeFolderIsAbsentButTheConfiguredReadFoldersAreThereReadOnly() throws Exception {
        Bwrap.assumeInstalled();
        // Not under /tmp, which the sandbox replaces wholesale: the home must exist outside for the test to mean anything.
        Path outsideTmp = Path.of("/var/tmp");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(outsideTmp) && Files.isWritable(outsideTmp),
                "needs a writable /var/tmp");
        Path home = Files.createTempDirectory(outsideTmp, "kleiber-sandbox-home-");
        try {
            AgentWorktree.write(home, ".ssh/id_ed25519", "FAKE-PRIVATE-KEY\n");
            AgentWorktree.write(home, ".bashrc", "export GITHUB_TOKEN=FAKE-GH-TOKEN\n");
            AgentWorktree.write(home, ".m2/repository/org/lib/lib.pom", "<project/>\n");
            AgentWorktree.write(home, ".m2/settings.xml", "<password>FAKE-M2-PASSWORD</password>\n");
            CommandSandbox sandbox = new CommandSandbox(new PathGuard(wt.worktree(),
                    RolePermissions.blueprintDefault(Roles.ENGINEER_BACKEND)), Map.of("HOME", home.toString()),
                    CommandSandbox.Settings.defaults().withTimeout(Duration.ofSeconds(20))
                            .withReadPaths(List.of("~/.m2/repository", "/nonexistent/kleiber")));

            CommandSandbox.Outcome.Finished result = finished(sandbox.run("cat " + home + "/.ssh/id_ed25519 "
                    + home + "/.bashrc " + home + "/.m2/settings.xml " + home + "/.m2/repository/org/lib/lib.pom; "
                    + "touch " + home + "/.m2/repository/new || echo READ-ONLY"));

            assertThat(result.output().text()).doesNotContain("FAKE-PRIVATE-KEY", "FAKE-GH-TOKEN", "FAKE-M2-PASSWORD")
                    .contains("<project/>", "No such file", "READ-ONLY");
            assertThat(home.resolve(".m2/repository/new")).doesNotExist();
        } finally {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void withoutAWritableCgroupMemoryFileSizeAndCpuAreRlimitsPerProcess() throws Exception {
        Bwrap.assumeInstalled();
        Path none = Files.writeString(temp.resolve("no-cgroups"), "");
        SandboxPolicy.Limits limits = SandboxPolicy.Limits.defaults().withMemoryBytes(128 * SandboxPolicy.Limits.MIB)
                .withFileSizeBytes(SandboxPolicy.Limits.MIB).withCpuTime(Duration.ofSeconds(1));
        SandboxProbe rlimitsOnly = new SandboxProbe(parentEnv, limits, SystemView.host(), new CgroupFinder(none, none));
        assertThat(rlimitsOnly.result().limits()).isInstanceOf(LimitMechanism.Rlimits.class);
        CommandSandbox sandbox = new CommandSandbox(new PathGuard(wt.worktree(),
                RolePermissions.blueprintDefault(Roles.ENGINEER_BACKEND)), parentEnv,
                CommandSandbox.Settings.defaults().withTimeout(Duration.ofSeconds(20)).withLimits(limits), rlimitsOnly);

        CommandSandbox.Outcome.Finished memory = finished(sandbox.run(
                "python3 -c \"a = b'x' * (1 << 30)\" 2>&1 | tail -1; ulimit -d -u"));
        assertThat(memory.output().text()).contains("MemoryError", String.valueOf(128 * 1024), "256");
        CommandSandbox.Outcome.Finished file = finished(sandbox.run("head -c 10M /dev/zero > src/backend/big"));
        assertThat(file.exitLine()).isEqualTo("Exit code: 153 — killed: file size limit 1 MiB");
        assertThat(Files.size(wt.worktree().resolve("src/backend/big"))).isEqualTo(SandboxPolicy.Limits.MIB);
        assertThat(finished(sandbox.run("while :; do :; done")).exitLine())
                .isEqualTo("Exit code: 152 — killed: CPU time limit 1 s per process");
    }

    @Test
    void sandboxNoneRunsDirectlyWhenChosen() {
        CommandSandbox none = sandbox(CommandSandbox.Settings.defaults().withMode(CommandSandbox.Mode.NONE)
                .withTimeout(Duration.ofSeconds(20)));
        CommandSandbox.Outcome.Finished result = finished(none.run("pwd; echo hi > src/backend/direct.txt"));
        assertThat(result.output().text()).startsWith(wt.worktree().toString());
        assertThat(wt.worktree().resolve("src/backend/direct.txt")).hasContent("hi");
    }

    @Test
    void runCommandResultsTellTheModelTheExitCodeAndTheTimeout() {
        Bwrap.assumeInstalled();
        RecordingEvents events = new RecordingEvents();
        ToolExecutor executor = new ToolExecutor(new PathGuard(wt.worktree(),
                RolePermissions.blueprintDefault(Roles.ENGINEER_BACKEND)), bwrap(Duration.ofSeconds(1)), events);
        ToolResult failedTests = executor.execute("run_command", object("command", "echo 2 failing; exit 1"));
        // an earlier test of this class may leave a symlink the commit step warns about after the output
        assertThat(failedTests.isError()).isFalse();
        assertThat(failedTests.text()).startsWith("Exit code: 1\n2 failing\n");
        assertThat(events.last()).isInstanceOfSatisfying(ToolEvent.Executed.class,
                e -> assertThat(e.outcome()).startsWith("exit 1, 10 bytes of output"));
        ToolResult forever = executor.execute("run_command", object("command", "echo waiting; sleep 600"));
        assertThat(forever.isError()).isTrue();
        assertThat(forever.text()).contains("still running after 1 s", "killed", "waiting");
        assertThat(events.last()).isInstanceOf(ToolEvent.Failed.class);
    }
}

package dev.kleiber.cli;

import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.GitRepos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kleiber worker} in a JVM of its own, as the CLI starts it, with its own cache: one "machine". */
final class WorkerJvm {
    private final String name;
    private final Path cache;
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private WorkerJvm(String name, Path cache, Process process) {
        this.name = name;
        this.cache = cache;
        this.process = process;
        this.reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process was killed mid-line
            }
        });
    }

    /** {@code tmp/remote.git}: a bare remote whose main holds a repository `kleiber init` set up (from {@code tmp/seed}). */
    static Path initializedRemote(Path tmp) {
        Path seed = GitRepos.init(tmp.resolve("seed"));
        Cli.Result init = new Cli(seed).run("init");
        assertThat(init.exitCode()).as(init.out() + init.err()).isZero();
        GitRepos.git(seed, "add", "-A");
        GitRepos.git(seed, "commit", "-q", "-m", "kleiber init");
        Path bare = tmp.resolve("remote.git");
        GitRepos.git(tmp, "clone", "-q", "--bare", seed.toString(), bare.toString());
        return bare;
    }

    /**
     * The conductor's machine: {@code tmp/conductor}, a clone of {@code tmp/remote.git}, with the shared store, the key
     * and the fake API from the environment.
     */
    static Cli conductor(Path tmp, StoreUrl url, FakeMessagesApi api, String key, Clock clock) throws IOException {
        Path checkout = tmp.resolve("conductor");
        GitRepos.git(tmp, "clone", "-q", tmp.resolve("remote.git").toString(), checkout.toString());
        Path home = Files.createDirectories(tmp.resolve("home-conductor"));
        return new Cli(new CliContext(checkout, Map.of("PATH", System.getenv("PATH"), "HOME", home.toString(),
                "KLEIBER_STORE", url.toString(), "ANTHROPIC_API_KEY", key, "ANTHROPIC_BASE_URL", api.baseUrl().toString()),
                clock));
    }

    static WorkerJvm start(Path tmp, String name, StoreUrl url, Path remote, FakeMessagesApi api, String key)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path cache = tmp.resolve("machine-" + name);
        Path home = tmp.resolve("home-" + name);
        Files.createDirectories(home);
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "dev.kleiber.cli.Main", "worker",
                "--remote", remote.toString(), "--cache", cache.toString(), "--slots", "1", "--lease-seconds", "5",
                "--grace-seconds", "5"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("ANTHROPIC") || k.startsWith("KLEIBER") || k.startsWith("GIT_"));
        env.put("HOME", home.toString());
        env.put("KLEIBER_STORE", url.toString());
        env.put("ANTHROPIC_API_KEY", key);
        env.put("ANTHROPIC_BASE_URL", api.baseUrl().toString());
        return new WorkerJvm(name, cache, builder.start());
    }

    String name() {
        return name;
    }

    Path cache() {
        return cache;
    }

    long pid() {
        return process.pid();
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is handed back. */
    void kill9() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM: running tasks finish or are handed back, then the process ends. */
    void terminate() {
        // the handle's destroy sends SIGTERM alone; Process.destroy also closes our end of its output, and what the
        // worker prints while it stops would be lost
        process.toHandle().destroy();
    }

    int exitCode() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill9();
            throw new AssertionError("worker " + name + " did not stop on SIGTERM:\n" + output());
        }
        // what the process printed last is read once its output ends
        reader.join(Duration.ofSeconds(10));
        return process.exitValue();
    }
}

package dev.kleiber.git;

import dev.kleiber.KleiberException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@code git} command the way every Kleiber git call runs: inert ({@link InertGit}: no hook, fsmonitor,
 * filter, diff or merge driver, pager, editor, ssh command or credential helper the repository or a planted
 * configuration names ever runs), no optional locks (a read never blocks a user's git), an allow-listed
 * environment (no API secret reaches git or anything it starts), both outputs drained so it never blocks, and a
 * timeout. This is the only place Kleiber starts git.
 */
public final class GitProcess {
    private GitProcess() {
    }

    /** What git answered: its exit code and both outputs. */
    public record Result(int exitCode, String out, String err) {
    }

    /** Runs {@code git ARGS} in {@code dir}; a git that cannot start or does not finish is a {@link KleiberException}. */
    public static Result run(Path dir, List<String> args, Optional<String> input, Duration timeout) {
        return run(dir, args, input, timeout, ConfigNames.uncached());
    }

    /** As {@link #run(Path, List, Optional, Duration)}, reading the configuration's names through {@code known}. */
    static Result run(Path dir, List<String> args, Optional<String> input, Duration timeout, ConfigNames known) {
        return start(dir, args, inertEnvironment(dir, timeout, known), input, timeout);
    }

    private static Map<String, String> inertEnvironment(Path dir, Duration timeout, ConfigNames known) {
        // the repository's configuration names its drivers; read the names first to neutralise each one
        List<String> names = known.of(dir, () -> {
            Result listing = start(dir, List.of("config", "--list", "--name-only", "-z"),
                    InertGit.environment(System.getenv(), List.of(), InertGit.UserSettings.NONE), Optional.empty(), timeout);
            return listing.exitCode() == 0 ? Optional.of(InertGit.names(listing.out())) : Optional.empty();
        });
        return InertGit.environment(System.getenv(), names, UserConfig.SETTINGS);
    }

    /**
     * As {@link #run(Path, List, Optional, Duration)}, with {@code secret} settings (a remote's credentials) added in
     * git's environment ({@code GIT_CONFIG_KEY_n}/{@code GIT_CONFIG_VALUE_n}): never on a command line, which any
     * user of the machine can read, nor in a configuration file; the environment only its own user can.
     */
    public static Result runWithSecrets(Path dir, List<String> args, Optional<String> input, Duration timeout,
                                        Map<String, String> secret) {
        Map<String, String> env = new java.util.LinkedHashMap<>(inertEnvironment(dir, timeout, ConfigNames.uncached()));
        int count = Integer.parseInt(env.getOrDefault("GIT_CONFIG_COUNT", "0"));
        for (Map.Entry<String, String> setting : secret.entrySet()) {
            env.put("GIT_CONFIG_KEY_" + count, setting.getKey());
            env.put("GIT_CONFIG_VALUE_" + count, setting.getValue());
            count++;
        }
        env.put("GIT_CONFIG_COUNT", String.valueOf(count));
        return start(dir, args, env, input, timeout);
    }

    /** The user's identity and safe folders, read once from their own global and system git configuration. */
    private static final class UserConfig {
        static final InertGit.UserSettings SETTINGS = read();

        private static InertGit.UserSettings read() {
            Map<String, String> env = new HashMap<>(InertGit.environment(System.getenv(), List.of(), InertGit.UserSettings.NONE));
            env.remove("GIT_CONFIG_GLOBAL");
            env.remove("GIT_CONFIG_NOSYSTEM");
            // a user who chose their own global file or switched the system one off keeps that choice
            for (String key : List.of("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")) {
                Optional.ofNullable(System.getenv(key)).ifPresent(value -> env.put(key, value));
            }
            Map<String, List<String>> values = new HashMap<>();
            Path here = Path.of(System.getProperty("java.io.tmpdir"));
            for (String scope : List.of("--system", "--global")) {
                Result result = start(here, List.of("config", scope, "--includes", "--list", "-z"), env, Optional.empty(),
                        Duration.ofSeconds(30));
                if (result.exitCode() != 0) {
                    continue;
                }
                for (String entry : result.out().split("\0")) {
                    String[] pair = entry.split("\n", 2);
                    if (pair.length == 2) {
                        values.computeIfAbsent(pair[0].toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(pair[1]);
                    }
                }
            }
            return new InertGit.UserSettings(last(values.get("user.name")), last(values.get("user.email")),
                    values.getOrDefault("safe.directory", List.of()));
        }

        /** git uses the last value a single-valued key is given, the global file's over the system's. */
        private static List<String> last(List<String> values) {
            return values == null || values.isEmpty() ? List.of() : List.of(values.getLast());
        }
    }

    private static Result start(Path dir, List<String> args, Map<String, String> env, Optional<String> input,
                                Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(InertGit.arguments(args)).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            try (OutputStream stdin = process.getOutputStream()) {
                if (input.isPresent()) {
                    stdin.write(input.get().getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw KleiberException.failed("git " + String.join(" ", args) + " did not finish within "
                        + timeout.toSeconds() + " s");
            }
            return new Result(process.exitValue(), out.get(), err.get());
        } catch (IOException e) {
            throw KleiberException.failed("cannot run git (is it installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KleiberException.failed("interrupted while running git " + String.join(" ", args), e);
        } catch (ExecutionException e) {
            throw KleiberException.failed("cannot read git's output: " + e.getCause(), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(e);
            }
        });
        return text;
    }
}

package dev.kleiber.git;

import dev.kleiber.KleiberException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@code git} command the way every Kleiber git call runs: hooks disabled, no signing or terminal
 * prompts, no optional locks (a read never blocks a user's git), the caller's git location variables and
 * API secrets removed from its environment, both outputs drained so it never blocks, and a timeout.
 */
public final class GitProcess {
    private static final List<String> SCRUBBED_ENV = List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY", "GIT_CEILING_DIRECTORIES", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN");

    private GitProcess() {
    }

    /** What git answered: its exit code and both outputs. */
    public record Result(int exitCode, String out, String err) {
    }

    /** Runs {@code git ARGS} in {@code dir}; a git that cannot start or does not finish is a {@link KleiberException}. */
    public static Result run(Path dir, List<String> args, Optional<String> input, Duration timeout) {
        List<String> command = new ArrayList<>(List.of("git", "-c", "core.hooksPath=/dev/null",
                "-c", "commit.gpgsign=false", "-c", "core.quotepath=off", "-c", "advice.detachedHead=false"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = builder.environment();
        SCRUBBED_ENV.forEach(env::remove);
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_OPTIONAL_LOCKS", "0");
        env.put("LC_ALL", "C");
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

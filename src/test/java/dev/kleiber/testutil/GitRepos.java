package dev.kleiber.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real git repositories in temp folders for tests, with an identity that never reads the user's config. */
public final class GitRepos {
    private GitRepos() {
    }

    /** {@code git init -b main} in {@code dir} with one commit holding a README. */
    public static Path init(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        git(dir, "init", "-q", "-b", "main");
        git(dir, "config", "user.name", "Kleiber Test");
        git(dir, "config", "user.email", "test@kleiber.invalid");
        git(dir, "config", "commit.gpgsign", "false");
        try {
            Files.writeString(dir.resolve("README.md"), "# sample\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        git(dir, "add", "README.md");
        git(dir, "commit", "-q", "-m", "initial commit");
        return dir;
    }

    /** Runs git in {@code dir}, isolated from the user's and the system's git config; returns stdout. */
    public static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        builder.environment().put("GIT_AUTHOR_NAME", "Kleiber Test");
        builder.environment().put("GIT_AUTHOR_EMAIL", "test@kleiber.invalid");
        builder.environment().put("GIT_COMMITTER_NAME", "Kleiber Test");
        builder.environment().put("GIT_COMMITTER_EMAIL", "test@kleiber.invalid");
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("git " + String.join(" ", args) + " timed out");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

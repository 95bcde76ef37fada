package dev.kleiber.config;

import dev.kleiber.KleiberException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where things live in a repository under Kleiber. The root is the folder that holds {@code .git}. */
public record ProjectLayout(Path root) {
    /** The folders of the markdown protocol, in the blueprint's order. */
    public static final List<String> PROTOCOL_FOLDERS = List.of("tasks", "progress", "complete", "blocked");

    public ProjectLayout {
        root = root.toAbsolutePath().normalize();
    }

    /** The repository that holds {@code start}: the nearest folder at or above it containing {@code .git}. */
    public static Optional<ProjectLayout> find(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(".git"))) {
                return Optional.of(new ProjectLayout(dir));
            }
        }
        return Optional.empty();
    }

    /** Like {@link #find} but a clear error (exit 2) outside a git repository. */
    public static ProjectLayout require(Path start) {
        return find(start).orElseThrow(() -> KleiberException.badInput(start.toAbsolutePath().normalize()
                + " is not inside a git repository (no .git in it or above it). "
                + "Run 'git init' first, or name the repository's folder."));
    }

    public Path kleiberDir() {
        return root.resolve(".kleiber");
    }

    public Path configFile() {
        return kleiberDir().resolve("kleiber.yaml");
    }

    public Path policyFile() {
        return kleiberDir().resolve("policy.yaml");
    }

    public Path agentsDir() {
        return kleiberDir().resolve("agents");
    }

    public Path stateDb() {
        return kleiberDir().resolve("state.db");
    }

    public Path worktreesDir() {
        return kleiberDir().resolve("worktrees");
    }

    public Path orchestrationLog() {
        return root.resolve("orchestration_log.md");
    }

    /** {@code path} as the user would write it: relative to the root when inside it. */
    public String display(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(root) ? root.relativize(absolute).toString() : absolute.toString();
    }
}

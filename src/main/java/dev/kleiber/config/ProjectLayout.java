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
            if (Files.exists(dir.resolve(".git"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
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

    /**
     * The roles protocol files may name: the project's own ({@code .kleiber/agents/*.md}, by file name) when it
     * defines any, else the blueprint's. The conductor is always known: Kleiber itself writes as it (budget alerts).
     */
    public java.util.List<String> knownRoles() {
        if (!Files.isDirectory(agentsDir())) {
            return dev.kleiber.routing.Roles.BLUEPRINT;
        }
        java.util.Set<String> roles = new java.util.TreeSet<>();
        try (java.util.stream.Stream<Path> files = Files.list(agentsDir())) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md") && n.length() > 3)
                    .forEach(n -> roles.add(n.substring(0, n.length() - 3)));
        } catch (java.io.IOException e) {
            throw KleiberException.failed("cannot list " + display(agentsDir()) + ": " + e.getMessage());
        }
        java.util.List<String> known = new java.util.ArrayList<>(java.util.List.of(dev.kleiber.routing.Roles.CONDUCTOR));
        roles.stream().filter(r -> !r.equals(dev.kleiber.routing.Roles.CONDUCTOR)).forEach(known::add);
        return java.util.List.copyOf(known);
    }

    /** The most a project file Kleiber reads as text (settings, roles, policy) may hold. */
    public static final long MAX_TEXT_BYTES = 1024 * 1024;

    /** A project file as UTF-8 text (a leading byte-order mark dropped); errors name it as the user would. */
    public String readText(Path file) {
        String shown = display(file);
        try {
            if (Files.size(file) > MAX_TEXT_BYTES) {
                throw KleiberException.badInput(shown + ": too large (over " + MAX_TEXT_BYTES + " bytes)");
            }
            byte[] bytes = Files.readAllBytes(file);
            String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw KleiberException.badInput(shown + ": not valid UTF-8 text");
        } catch (java.io.IOException e) {
            throw KleiberException.badInput(shown + ": cannot be read: " + e.getMessage());
        }
    }

    /** {@code path} as the user would write it: relative to the root when inside it. */
    public String display(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(root) ? root.relativize(absolute).toString() : absolute.toString();
    }
}

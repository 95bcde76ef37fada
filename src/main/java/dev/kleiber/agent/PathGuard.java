package dev.kleiber.agent;

import dev.kleiber.KleiberException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether an agent may read or write a path it names. The path is resolved against the
 * worktree, its nearest existing ancestor canonicalised with {@code toRealPath}, and containment is
 * checked component by component with {@link Path#startsWith(Path)} — never as a string prefix, so
 * {@code /wt/t1-evil} is not inside {@code /wt/t1}. Symlinks leading out of the worktree are refused
 * whoever made them, writes go through no symlink at all, {@code .git} and {@code .kleiber} are out of
 * reach (in every spelling git treats as {@code .git}), names git or another file system would read otherwise
 * are refused ({@link PathNames}), the protocol folders and the append-only logs are read-only (only the
 * runtime writes them), and finally the
 * role's write or read globs must match the canonical worktree-relative path.
 */
public final class PathGuard {
    /** Folders of the markdown protocol, written only by Kleiber's runtime on an agent's behalf. */
    public static final Set<String> PROTOCOL_FOLDERS = Set.of("tasks", "progress", "complete", "blocked");

    private final Path root;
    private final RolePermissions permissions;

    /** {@code worktree} must exist; it is canonicalised once here. */
    public PathGuard(Path worktree, RolePermissions permissions) {
        try {
            this.root = worktree.toRealPath();
        } catch (IOException e) {
            throw KleiberException.failed("worktree " + worktree + " cannot be opened: " + e.getMessage());
        }
        if (!Files.isDirectory(root)) {
            throw KleiberException.failed("worktree " + worktree + " is not a directory");
        }
        this.permissions = permissions;
    }

    /** The outcome of a check: the real path to use, or the reason for the agent. */
    public sealed interface Decision {
        /** {@code path} is absolute and canonical; {@code relative} is its worktree-relative form with {@code /}. */
        record Allowed(Path path, String relative) implements Decision {
        }

        record Refused(String reason) implements Decision {
        }
    }

    /** The canonical worktree root. */
    public Path root() {
        return root;
    }

    public RolePermissions permissions() {
        return permissions;
    }

    /** Whether the role may read {@code agentPath} (a file or a folder to list or search). */
    public Decision checkRead(String agentPath) {
        return check(agentPath, false);
    }

    /** Whether the role may create or replace the file {@code agentPath}. */
    public Decision checkWrite(String agentPath) {
        return check(agentPath, true);
    }

    /**
     * Whether a folder the agent is not allowed into at all ({@code .git}, {@code .kleiber}); used by
     * listing and searching to skip them without a refusal per file.
     */
    static boolean isHidden(String relative) {
        String first = firstComponent(relative);
        return first.equals(".kleiber") || hasDotGit(relative);
    }

    private Decision check(String agentPath, boolean write) {
        String verb = write ? "write" : "read";
        if (agentPath.indexOf('\0') >= 0) {
            return refused("the path contains a NUL byte");
        }
        if (agentPath.isBlank()) {
            return refused("the path is empty; give a path relative to the worktree root");
        }
        Path given;
        try {
            given = Path.of(agentPath);
        } catch (InvalidPathException e) {
            return refused("'" + agentPath + "' is not a valid path: " + e.getReason());
        }
        if (given.isAbsolute() || agentPath.startsWith("~")) {
            return refused("'" + agentPath + "' is absolute; paths are relative to the worktree root");
        }
        Path lexical = root.resolve(given).normalize();
        if (!lexical.startsWith(root)) {
            return refused("'" + agentPath + "' leads outside the worktree");
        }
        Optional<String> badName = PathNames.problem(agentPath);
        if (badName.isPresent()) {
            return refused(badName.get());
        }
        Optional<Path> link = firstSymlink(lexical);
        if (link.isPresent() && write) {
            return refused("'" + agentPath + "' goes through the symlink '" + relativeOf(link.get())
                    + "'; writes never follow symlinks");
        }
        Path canonical;
        try {
            canonical = canonicalise(lexical);
        } catch (IOException e) {
            return refused("'" + agentPath + "' goes through a symlink whose target does not exist");
        }
        if (!canonical.startsWith(root)) {
            return refused("'" + agentPath + "' goes through the symlink '"
                    + link.map(this::relativeOf).orElse(agentPath) + "', which leads outside the worktree");
        }
        String relative = relativeOf(canonical);
        if (relative.isEmpty()) {
            return write ? refused("the worktree root itself cannot be written") : new Decision.Allowed(canonical, ".");
        }
        if (hasDotGit(relative)) {
            return refused("'" + agentPath + "' is inside .git, which agents cannot touch (use run_command for git)");
        }
        if (firstComponent(relative).equals(".kleiber")) {
            return refused("'" + agentPath + "' is inside .kleiber, Kleiber's own configuration and state");
        }
        if (write && PROTOCOL_FOLDERS.contains(firstComponent(relative))) {
            return refused("'" + agentPath + "' is in the protocol folder " + firstComponent(relative)
                    + "/, which only Kleiber's runtime writes (use complete_task or report_blocked)");
        }
        if (write && PathNames.isAppendOnlyLog(relative)) {
            return refused("'" + relative + "' is an append-only log that only Kleiber writes; report what you did "
                    + "with complete_task and Kleiber records it there");
        }
        boolean permitted = write ? permissions.mayWrite(relative) : permissions.mayRead(relative);
        if (!permitted) {
            var globs = write ? permissions.writeGlobs() : permissions.readGlobs();
            return refused("role " + permissions.role() + " may not " + verb + " '" + relative + "'; it may "
                    + verb + " only " + (globs.isEmpty() ? "nothing" : String.join(", ",
                    globs.stream().map(Glob::text).toList())));
        }
        return new Decision.Allowed(canonical, relative);
    }

    /** The nearest existing ancestor's real path with the rest of the path appended. */
    private Path canonicalise(Path lexical) throws IOException {
        Path existing = lexical;
        while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        Path real = existing.toRealPath();
        return real.resolve(existing.relativize(lexical)).normalize();
    }

    private Optional<Path> firstSymlink(Path lexical) {
        Path current = root;
        for (Path component : root.relativize(lexical)) {
            current = current.resolve(component);
            if (Files.isSymbolicLink(current)) {
                return Optional.of(current);
            }
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                break;
            }
        }
        return Optional.empty();
    }

    private String relativeOf(Path path) {
        return root.relativize(path).toString().replace('\\', '/');
    }

    private static Decision refused(String reason) {
        return new Decision.Refused(reason);
    }

    private static String firstComponent(String relative) {
        int slash = relative.indexOf('/');
        return slash < 0 ? relative : relative.substring(0, slash);
    }

    private static boolean hasDotGit(String relative) {
        for (String component : relative.split("/")) {
            if (PathNames.isDotGit(component)) {
                return true;
            }
        }
        return false;
    }
}

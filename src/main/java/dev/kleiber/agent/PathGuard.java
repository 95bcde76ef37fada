package dev.kleiber.agent;

import dev.kleiber.KleiberException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * Whether a change already in the worktree at {@code changed} (a path as git lists it, made by a tool, a command
     * in the sandbox or an outside agent) lies where the role may write. It is judged by where it sits: its folders
     * canonicalised component by component (a folder that is a symlink counts where it leads), the last component
     * never followed. A symlink is judged by its own location like any file, and its target must stay inside the
     * worktree and out of {@code .git} and {@code .kleiber}; git's own dotfiles may not be symlinks at all.
     */
    public Decision checkChange(String changed) {
        Optional<String> problem = lexicalProblem(changed);
        if (problem.isPresent()) {
            return refused(problem.get());
        }
        Path lexical = root.resolve(changed).normalize();
        Path location;
        try {
            location = lexical.equals(root) ? root : canonicalise(lexical.getParent()).resolve(lexical.getFileName());
        } catch (IOException e) {
            return refused("'" + changed + "' sits under a folder that cannot be resolved: " + e.getMessage());
        }
        if (!location.startsWith(root)) {
            return refused("'" + changed + "' sits under a symlink that leads outside the worktree");
        }
        Optional<String> link = Files.isSymbolicLink(location) ? symlinkProblem(changed, location) : Optional.empty();
        return link.isPresent() ? refused(link.get()) : permitted(changed, location, true);
    }

    /** Why each of {@code changed} (as git lists them) may not be committed, at most {@code limit} reasons. */
    public List<String> refusedChanges(List<String> changed, int limit) {
        return changed.stream().map(this::checkChange).filter(Decision.Refused.class::isInstance)
                .map(d -> ((Decision.Refused) d).reason()).limit(limit).toList();
    }

    private Decision check(String agentPath, boolean write) {
        Optional<String> problem = lexicalProblem(agentPath);
        if (problem.isPresent()) {
            return refused(problem.get());
        }
        Path lexical = root.resolve(agentPath).normalize();
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
        return permitted(agentPath, canonical, write);
    }

    /** What is wrong with {@code agentPath} before the file system is asked: its form, its names, leaving the root. */
    private Optional<String> lexicalProblem(String agentPath) {
        if (agentPath.indexOf('\0') >= 0) {
            return Optional.of("the path contains a NUL byte");
        }
        if (agentPath.isBlank()) {
            return Optional.of("the path is empty; give a path relative to the worktree root");
        }
        Path given;
        try {
            given = Path.of(agentPath);
        } catch (InvalidPathException e) {
            return Optional.of("'" + agentPath + "' is not a valid path: " + e.getReason());
        }
        if (given.isAbsolute() || agentPath.startsWith("~")) {
            return Optional.of("'" + agentPath + "' is absolute; paths are relative to the worktree root");
        }
        if (!root.resolve(given).normalize().startsWith(root)) {
            return Optional.of("'" + agentPath + "' leads outside the worktree");
        }
        return PathNames.problem(agentPath);
    }

    /** The rules of what sits at {@code canonical} (inside the root): Kleiber's folders, the logs, the role's globs. */
    private Decision permitted(String agentPath, Path canonical, boolean write) {
        String verb = write ? "write" : "read";
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
        boolean allowed = write ? permissions.mayWrite(relative) : permissions.mayRead(relative);
        if (!allowed) {
            var globs = write ? permissions.writeGlobs() : permissions.readGlobs();
            return refused("role " + permissions.role() + " may not " + verb + " '" + relative + "'; it may "
                    + verb + " only " + (globs.isEmpty() ? "nothing" : String.join(", ",
                    globs.stream().map(Glob::text).toList())));
        }
        return new Decision.Allowed(canonical, relative);
    }

    /**
     * Why the symlink {@code link} (at {@code changed}) may not be committed: git refuses its dotfiles as symlinks,
     * and a target, as written or as resolved, must stay inside the worktree and out of .git and .kleiber.
     */
    private Optional<String> symlinkProblem(String changed, Path link) {
        String leaf = link.getFileName().toString();
        if (PathNames.isGitDotfile(leaf)) {
            return Optional.of("'" + changed + "' is a symlink; git refuses " + leaf + " as a symlink");
        }
        try {
            Path target = Files.readSymbolicLink(link);
            Path lexical = link.getParent().resolve(target).normalize();
            Optional<Path> real = Files.exists(link) ? Optional.of(link.toRealPath()) : Optional.empty();
            for (Path resolved : real.map(r -> List.of(lexical, r)).orElse(List.of(lexical))) {
                if (!resolved.startsWith(root)) {
                    return Optional.of("'" + changed + "' is a symlink to '" + target + "', which leads outside the worktree");
                }
                String first = firstComponent(relativeOf(resolved));
                if (PathNames.isDotGit(first) || first.equals(".kleiber")) {
                    return Optional.of("'" + changed + "' is a symlink to '" + target + "', into " + first
                            + ", which agents cannot touch");
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("'" + changed + "' is a symlink that cannot be read: " + e.getMessage());
        }
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

package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.agent.RolePermissions;
import dev.kleiber.config.CommittedSettings;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.git.GitRepository;
import dev.kleiber.git.Worktree;
import dev.kleiber.routing.Roles;
import dev.kleiber.validate.CommandCheck;
import dev.kleiber.validate.ValidationReport;
import dev.kleiber.validate.ValidationRequest;
import dev.kleiber.validate.Validator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates main (the branch {@code layout.main_branch} names) as it stands: its last commit checked out in a fresh worktree of its own (never a person's
 * checkout, whose uncommitted edits are not main), the {@code validate.commands} of the kleiber.yaml committed there (else the checkout's) run there
 * under the sandbox with the validator's rights, the naming conventions over every file main tracks, the role
 * gates and coverage. The report goes to {@code reports/main-validation.md} in the repository's root.
 */
public final class MainValidation {
    /** The id the report is written under: {@code reports/main-validation.md}. */
    public static final String REPORT_ID = "main";
    /** Worktree folders are {@code _main-{pid}-{random}}: a crashed process's folder is found by its pid. */
    private static final Pattern WORKTREE_NAME = Pattern.compile("_main-(\\d+)-.*");

    private final GitRepository git;
    private final ProjectConfig project;
    private final RolePermissions rights;
    private final Map<String, String> env;
    private final Clock clock;

    public MainValidation(GitRepository git, ProjectConfig project, Map<String, String> env, Clock clock) {
        this.git = git;
        this.project = project;
        this.rights = AgentWorker.role(project, Roles.VALIDATOR).permissions();
        this.env = Map.copyOf(env);
        this.clock = clock;
    }

    private Validator validator(Path worktree) {
        return WorktreeValidator.of(project, rights, env, clock, worktree,
                tree -> CommittedSettings.at(tree, project.settings()).layout().lint());
    }

    /** The commit the main branch (layout.main_branch) points at now; bad input when there is no such branch. */
    public String mainCommit() {
        String main = mainBranch();
        if (!git.branchExists(main)) {
            throw KleiberException.badInput("the repository " + git.root() + " has no branch '" + main
                    + "' to validate: name its main branch in .kleiber/kleiber.yaml (layout: {main_branch: master}) "
                    + "or run `kleiber init`, which reads it from the repository");
        }
        return git.commitOf("refs/heads/" + main);
    }

    private String mainBranch() {
        return project.settings().layout().mainBranch();
    }

    /** Checks the commit main points at now: see {@link #validate(String)}. */
    public ValidationReport validate() {
        return validate(mainCommit());
    }

    /**
     * Checks {@code commit} (of main) and writes the report. Interrupting the calling thread stops a running
     * command (the sandbox kills it) and throws; the worktree is removed either way.
     */
    public ValidationReport validate(String commit) {
        removeAbandonedWorktrees();
        Worktree worktree = addWorktree(commit);
        ValidationReport report;
        try {
            KleiberConfig.Validate settings = CommittedSettings.at(worktree.path(), project.settings()).validate();
            List<CommandCheck> commands = settings.commands().stream()
                    .map(c -> new CommandCheck(c.name(), c.run(), c.timeout())).toList();
            report = validator(worktree.path()).validate(new ValidationRequest(REPORT_ID, worktree.path(), Optional.of(commit), commands,
                    settings.coverageMinPercent(), List.of(mainBranch()), List.of()));
        } finally {
            remove(worktree.path());
        }
        if (Thread.currentThread().isInterrupted()) {
            throw KleiberException.failed("the validation of main was interrupted");
        }
        Validator.write(project.layout().root(), report);
        return report;
    }

    private Worktree addWorktree(String commit) {
        Path parent = project.layout().worktreesDir();
        Path folder;
        try {
            Files.createDirectories(parent);
            folder = Files.createTempDirectory(parent, "_main-" + ProcessHandle.current().pid() + "-").toRealPath();
        } catch (IOException e) {
            throw KleiberException.failed("cannot make a worktree for main under " + project.layout().display(parent)
                    + ": " + e.getMessage(), e);
        }
        try {
            return git.addDetachedWorktree(folder, commit);
        } catch (RuntimeException e) {
            remove(folder);
            throw e;
        }
    }

    /** Runs even on an interrupted thread: git would not start with the interrupt pending. */
    private void remove(Path folder) {
        boolean interrupted = Thread.interrupted();
        try {
            try {
                git.removeWorktree(folder);
            } catch (RuntimeException e) {
                if (!Thread.interrupted()) {
                    throw e;
                }
                // the watch was closed while git removed it (the interrupt killed git): once more, uninterrupted
                interrupted = true;
                git.removeWorktree(folder);
            }
            deleteEmpty(folder);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Worktrees of main left behind by a process that died while validating (a kill, a crash). */
    private void removeAbandonedWorktrees() {
        Path parent = project.layout().worktreesDir();
        if (!Files.isDirectory(parent)) {
            return;
        }
        try (var folders = Files.list(parent)) {
            for (Path folder : folders.toList()) {
                Matcher name = WORKTREE_NAME.matcher(folder.getFileName().toString());
                if (name.matches() && ProcessHandle.of(Long.parseLong(name.group(1))).isEmpty()) {
                    remove(folder.toRealPath());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // leftovers only cost disk space; the validation itself does not need them gone
        }
    }

    private static void deleteEmpty(Path folder) {
        try {
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // not empty or already gone: git removed what it owned, the rest is not ours to delete
        }
    }
}

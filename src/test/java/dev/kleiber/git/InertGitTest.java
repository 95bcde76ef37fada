package dev.kleiber.git;

import dev.kleiber.testutil.GitRepos;
import dev.kleiber.validate.LocalGit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A repository an agent (or anyone) could have touched names programs everywhere git looks for them: hooks, a
 * hooks folder, an fsmonitor, filter, diff, textconv and merge drivers through {@code .gitattributes}, an external
 * diff, a pager, an editor, an ssh command, credential helpers. Every program would leave a marker file; every git
 * operation Kleiber makes runs over that repository and no marker may appear.
 */
class InertGitTest {
    private static final List<String> HOOKS = List.of("pre-commit", "commit-msg", "post-commit", "post-checkout",
            "reference-transaction", "post-merge", "pre-merge-commit", "prepare-commit-msg", "post-rewrite",
            "pre-auto-gc", "post-index-change");

    @TempDir
    Path tmp;
    Path repo;
    Path markers;
    GitRepository git;

    @BeforeEach
    void plant() throws IOException {
        markers = Files.createDirectories(tmp.resolve("markers"));
        repo = GitRepos.init(tmp.resolve("repo"));
        Files.writeString(repo.resolve(".gitignore"), ".kleiber/worktrees/\n");
        Files.writeString(repo.resolve(".gitattributes"), "* filter=evil diff=evil merge=evil\n");
        Files.writeString(repo.resolve("shared.txt"), "one\ntwo\nthree\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "attributes");

        Path hooks = Files.createDirectories(tmp.resolve("planted-hooks"));
        for (String hook : HOOKS) {
            program(repo.resolve(".git/hooks/" + hook), hook);
            program(hooks.resolve(hook), "hooksPath-" + hook);
        }
        Map<String, String> planted = Map.ofEntries(
                Map.entry("core.hooksPath", hooks.toString()),
                Map.entry("core.fsmonitor", program(tmp.resolve("fsmonitor"), "fsmonitor")),
                Map.entry("filter.evil.clean", program(tmp.resolve("clean"), "filter-clean") + " %f"),
                Map.entry("filter.evil.smudge", program(tmp.resolve("smudge"), "filter-smudge") + " %f"),
                Map.entry("filter.evil.required", "true"),
                Map.entry("diff.evil.command", program(tmp.resolve("diffcmd"), "diff-command")),
                Map.entry("diff.evil.textconv", program(tmp.resolve("textconv"), "textconv")),
                Map.entry("diff.external", program(tmp.resolve("extdiff"), "diff-external")),
                Map.entry("merge.evil.driver", program(tmp.resolve("merger"), "merge-driver") + " %A %O %B"),
                Map.entry("core.pager", program(tmp.resolve("pager"), "pager")),
                Map.entry("pager.log", program(tmp.resolve("pagerlog"), "pager-log")),
                Map.entry("core.editor", program(tmp.resolve("editor"), "editor")),
                Map.entry("sequence.editor", program(tmp.resolve("seqeditor"), "sequence-editor")),
                Map.entry("core.sshCommand", program(tmp.resolve("ssh"), "ssh")),
                Map.entry("core.askPass", program(tmp.resolve("askpass"), "askpass")),
                Map.entry("credential.helper", "!" + program(tmp.resolve("credential"), "credential-helper")),
                Map.entry("gpg.program", program(tmp.resolve("gpg"), "gpg")),
                Map.entry("log.showSignature", "true"),
                Map.entry("commit.gpgSign", "true"));
        planted.forEach((key, value) -> GitRepos.git(repo, "config", key, value));
        git = new GitRepository(repo, repo.resolve(".kleiber/worktrees/_merge"));
    }

    /** An executable that touches {@code markers/name} (and passes stdin through, as a filter must). */
    private String program(Path file, String name) throws IOException {
        Files.writeString(file, "#!/bin/sh\ntouch '" + markers.resolve(name) + "'\ncat\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file.toString();
    }

    private List<String> markersLeft() throws IOException {
        try (Stream<Path> files = Files.list(markers)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static CommitMessage message(String subject, String task) {
        return CommitMessage.of(subject, Map.of("Kleiber-Task", task, "Kleiber-Attempt", "1"));
    }

    @Test
    void noPlantedProgramRunsThroughAnyOperationKleiberUses() throws IOException {
        Path wt1 = git.addWorktree(repo.resolve(".kleiber/worktrees/t1"), "feature/t1", "main").path();
        Files.writeString(wt1.resolve("shared.txt"), "one\ntwo changed by t1\nthree\n");
        Files.writeString(wt1.resolve("new.txt"), "fresh\n");
        Optional<String> c1 = git.commitAll(wt1, message("t1 work", "t1"));
        assertThat(c1).isPresent();
        assertThat(git.changes("main", c1.get())).extracting(FileChange::path).containsExactly("new.txt", "shared.txt");
        assertThat(git.diff("main", c1.get())).contains("+two changed by t1");
        assertThat(git.message(c1.get())).contains("Kleiber-Task: t1");
        assertThat(git.commitsWithTrailer("feature/t1", "Kleiber-Task", "t1")).containsExactly(c1.get());

        Path wt2 = git.addWorktree(repo.resolve(".kleiber/worktrees/t2"), "feature/t2", "main").path();
        Files.writeString(wt2.resolve("shared.txt"), "one\ntwo changed by t2\nthree\n");
        Optional<String> c2 = git.commitAll(wt2, message("t2 work", "t2"));
        assertThat(c2).isPresent();

        assertThat(git.merge("feature/t1", "main", message("Merge t1", "t1"))).isInstanceOf(MergeResult.Merged.class);
        // the planted merge driver would have resolved this silently; git's own text merge conflicts
        assertThat(git.merge("feature/t2", "main", message("Merge t2", "t2")))
                .isEqualTo(new MergeResult.Conflicted(List.of("shared.txt")));
        assertThat(git.mergeKeepingConflicts(wt2, "main", message("Merge main into t2", "t2"))).containsExactly("shared.txt");
        assertThat(Files.readString(wt2.resolve("shared.txt"))).contains("<<<<<<< ours");

        assertThat(git.worktrees()).hasSize(3);
        assertThat(git.trackedFiles()).contains("shared.txt", "new.txt");
        assertThat(git.currentBranch(wt1)).contains("feature/t1");
        assertThat(git.isAncestor(c1.get(), "main")).isTrue();
        LocalGit local = new LocalGit(repo);
        assertThat(local.branches()).contains("main", "feature/t1", "feature/t2");
        assertThat(local.unignoredFiles()).contains("shared.txt");
        git.removeWorktree(wt1);
        git.removeWorktree(wt2);
        git.deleteBranch("feature/t2");

        assertThat(markersLeft()).isEmpty();
    }

    @Test
    void commitsKeepTheRepositorysIdentityWithoutSigning() throws IOException {
        Path wt = git.addWorktree(repo.resolve(".kleiber/worktrees/t1"), "feature/t1", "main").path();
        Files.writeString(wt.resolve("a.txt"), "a\n");
        String commit = git.commitAll(wt, message("identity", "t1")).orElseThrow();
        assertThat(markersLeft()).isEmpty();

        assertThat(GitRepos.git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%G?", commit).strip())
                .isEqualTo("Kleiber Test <test@kleiber.invalid>|Kleiber Test <test@kleiber.invalid>|N");
    }

    @Test
    void filtersAreNeutralisedSoTheFileIsCommittedAsWritten() throws IOException {
        Path wt = git.addWorktree(repo.resolve(".kleiber/worktrees/t1"), "feature/t1", "main").path();
        Files.writeString(wt.resolve("payload.txt"), "exactly this\n");
        String commit = git.commitAll(wt, message("payload", "t1")).orElseThrow();

        assertThat(GitRepos.git(repo, "cat-file", "-p", commit + ":payload.txt")).isEqualTo("exactly this\n");
    }

    @Test
    void theEnvironmentIsAnAllowListWithNoSecret() {
        Map<String, String> env = InertGit.environment(Map.of("PATH", "/usr/bin", "HOME", "/root",
                "ANTHROPIC_API_KEY", "sk-ant-secret", "AWS_SECRET_ACCESS_KEY", "x", "GIT_DIR", "/elsewhere",
                "GIT_EXTERNAL_DIFF", "/tmp/evil", "GIT_SSH_COMMAND", "evil", "GIT_CONFIG_PARAMETERS", "'core.pager'='evil'",
                "GIT_AUTHOR_NAME", "Ada"), List.of(), InertGit.UserSettings.NONE);

        assertThat(env).containsEntry("PATH", "/usr/bin").containsEntry("GIT_AUTHOR_NAME", "Ada")
                .containsEntry("GIT_CONFIG_NOSYSTEM", "1").containsEntry("GIT_CONFIG_GLOBAL", "/dev/null")
                .doesNotContainKeys("ANTHROPIC_API_KEY", "AWS_SECRET_ACCESS_KEY", "GIT_DIR", "GIT_EXTERNAL_DIFF",
                        "GIT_SSH_COMMAND", "GIT_CONFIG_PARAMETERS");
        assertThat(env.values()).noneMatch(value -> value.contains("secret"));
    }

    @Test
    void everyDriverNameTheConfigurationDefinesIsNeutralised() {
        List<Map.Entry<String, String>> overrides = InertGit.neutralised(List.of("filter.lfs.clean", "filter.a.b.process",
                "merge.Npm.driver", "protocol.ext.allow", "credential.https://example.com.helper", "merge.renormalize",
                "diff.external", "user.name"));

        assertThat(overrides).contains(Map.entry("filter.lfs.clean", ""), Map.entry("filter.lfs.smudge", ""),
                Map.entry("filter.lfs.process", ""), Map.entry("filter.lfs.required", "false"),
                Map.entry("filter.a.b.process", ""), Map.entry("merge.Npm.driver", InertGit.TEXT_MERGE),
                Map.entry("protocol.ext.allow", "never"), Map.entry("credential.https://example.com.helper", ""));
        assertThat(overrides).extracting(Map.Entry::getKey).noneMatch(key -> key.startsWith("merge.renormalize")
                || key.startsWith("diff.") || key.startsWith("user."));
    }

    @Test
    void diffingCommandsNeverRunAnExternalDiffOrTextconv() {
        assertThat(InertGit.arguments(List.of("-c", "user.name=K", "log", "-1"))).containsExactly("git", "-c",
                "user.name=K", "log", "--no-ext-diff", "--no-textconv", "-1");
        assertThat(InertGit.arguments(List.of("diff", "--stat", "a", "b"))).containsExactly("git", "diff",
                "--no-ext-diff", "--no-textconv", "--stat", "a", "b");
        assertThat(InertGit.arguments(List.of("add", "--all"))).containsExactly("git", "add", "--all");
    }
}

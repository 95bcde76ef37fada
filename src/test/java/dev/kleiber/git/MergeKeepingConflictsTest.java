package dev.kleiber.git;

import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MergeKeepingConflictsTest {
    @TempDir
    Path tmp;

    @Test
    void aConflictingMergeIsCommittedWithItsMarkersOnTheWorktreesBranch() throws Exception {
        Path repo = GitRepos.init(tmp.resolve("repo"));
        Files.writeString(repo.resolve(".gitignore"), ".kleiber/worktrees/\n");
        Files.writeString(repo.resolve("a.txt"), "one\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "base");
        GitRepository git = new GitRepository(repo, repo.resolve(".kleiber/worktrees/_merge"));
        Path side = git.addWorktree(repo.resolve(".kleiber/worktrees/side"), "side", "main").path();
        Files.writeString(side.resolve("a.txt"), "one from side\n");
        git.commitAll(side, CommitMessage.of("side", Map.of("Kleiber-Task", "side")));
        git.removeWorktree(side);
        Files.writeString(repo.resolve("a.txt"), "one from main\n");
        GitRepos.git(repo, "commit", "-q", "-am", "main moved");

        Path resolve = git.addWorktree(repo.resolve(".kleiber/worktrees/resolve"), "resolve", "main").path();
        var conflicted = git.mergeKeepingConflicts(resolve, "side", CommitMessage.of("Merge side for resolve",
                Map.of("Kleiber-Task", "resolve")));

        assertThat(conflicted).containsExactly("a.txt");
        assertThat(GitRepos.git(repo, "show", "resolve:a.txt")).contains("<<<<<<<").contains("one from side")
                .contains("one from main");
        assertThat(GitRepos.git(repo, "rev-list", "--parents", "-n", "1", "resolve").strip().split(" ")).hasSize(3);
        assertThat(git.commitsWithTrailer("resolve", "Kleiber-Task", "side")).hasSize(1);
        assertThat(GitRepos.git(resolve, "status", "--porcelain")).isEmpty();
    }
}

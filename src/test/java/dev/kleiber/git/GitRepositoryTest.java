package dev.kleiber.git;

import dev.kleiber.KleiberException;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitRepositoryTest {
    @TempDir
    Path tmp;
    Path repo;
    GitRepository git;

    @BeforeEach
    void setUp() throws IOException {
        repo = GitRepos.init(tmp.resolve("repo"));
        Files.writeString(repo.resolve(".gitignore"), ".kleiber/worktrees/\n");
        GitRepos.git(repo, "add", ".gitignore");
        GitRepos.git(repo, "commit", "-q", "-m", "ignore worktrees");
        git = new GitRepository(repo, repo.resolve(".kleiber/worktrees/_merge"));
    }

    private Path worktree(String name, String branch) {
        return git.addWorktree(repo.resolve(".kleiber/worktrees/" + name), branch, "main").path();
    }

    private static CommitMessage task(String subject, String taskId, int attempt) {
        return CommitMessage.of(subject, Map.of("Kleiber-Task", taskId, "Kleiber-Attempt", String.valueOf(attempt)));
    }

    @Test
    void aRepositoryNestedInTheWorktreeIsLeftOutOfTheCommit() throws IOException {
        Path wt = worktree("t1", "feature/t1-nested");
        Path nested = wt.resolve("src/backend/vendor");
        GitRepos.init(nested);
        Files.writeString(nested.resolve("payload.js"), "export const x = 1;\n");
        GitRepos.git(nested, "add", "-A");
        GitRepos.git(nested, "commit", "-q", "-m", "unreviewed");
        Files.writeString(wt.resolve("src/backend/users.js"), "export const users = [];\n");

        Optional<String> commit = git.commitAll(wt, task("Add users", "t1", 1));

        assertThat(commit).isPresent();
        assertThat(git.changes("main", commit.get())).containsExactly(
                new FileChange("src/backend/users.js", FileChange.Kind.CREATED));
        assertThat(GitRepos.git(repo, "ls-tree", "-r", commit.get())).doesNotContain("160000").doesNotContain("vendor");
    }

    @Test
    void worktreeCommitCarriesTheTrailersAndListsItsChanges() throws IOException {
        Path wt = worktree("t1", "feature/t1-add-users");
        Files.createDirectories(wt.resolve("src/backend"));
        Files.writeString(wt.resolve("src/backend/users.js"), "export const users = [];\n");
        Files.writeString(wt.resolve("README.md"), "# sample\nmore\n");

        Optional<String> commit = git.commitAll(wt, task("Add users", "t1", 1));

        assertThat(commit).isPresent();
        assertThat(CommitMessage.trailersOf(git.message(commit.get())))
                .containsEntry("Kleiber-Task", "t1").containsEntry("Kleiber-Attempt", "1");
        assertThat(git.changes("main", commit.get())).containsExactlyInAnyOrder(
                new FileChange("README.md", FileChange.Kind.MODIFIED),
                new FileChange("src/backend/users.js", FileChange.Kind.CREATED));
        assertThat(git.commitAll(wt, task("Nothing", "t1", 1))).isEmpty();
        assertThat(git.currentBranch(wt)).contains("feature/t1-add-users");
    }

    @Test
    void mergeFastForwardsTheUsersCheckoutAndIsFoundByItsTrailer() throws IOException {
        Path wt = worktree("t1", "feature/t1-x");
        Files.writeString(wt.resolve("a.txt"), "a\n");
        git.commitAll(wt, task("Add a", "t1", 2));

        MergeResult result = git.merge("feature/t1-x", "main", task("Merge t1", "t1", 2));

        assertThat(result).isInstanceOf(MergeResult.Merged.class);
        String merged = ((MergeResult.Merged) result).commit();
        assertThat(git.commitOf("main")).isEqualTo(merged);
        assertThat(repo.resolve("a.txt")).hasContent("a");
        assertThat(GitRepos.git(repo, "status", "--porcelain")).isEmpty();
        assertThat(git.commitsWithTrailer("main", "Kleiber-Task", "t1")).first().isEqualTo(merged);
        assertThat(git.commitsWithTrailer("main", "Kleiber-Task", "t2")).isEmpty();
        assertThat(git.isAncestor("feature/t1-x", "main")).isTrue();
    }

    @Test
    void aConflictLeavesMainAndTheCheckoutUntouched() throws IOException {
        Path one = worktree("t1", "feature/t1-one");
        Path two = worktree("t2", "feature/t2-two");
        Files.writeString(one.resolve("README.md"), "# one\n");
        Files.writeString(two.resolve("README.md"), "# two\n");
        git.commitAll(one, task("One", "t1", 1));
        git.commitAll(two, task("Two", "t2", 1));
        git.merge("feature/t1-one", "main", task("Merge t1", "t1", 1));
        String before = git.commitOf("main");

        MergeResult result = git.merge("feature/t2-two", "main", task("Merge t2", "t2", 1));

        assertThat(result).isEqualTo(new MergeResult.Conflicted(java.util.List.of("README.md")));
        assertThat(git.commitOf("main")).isEqualTo(before);
        assertThat(repo.resolve("README.md")).hasContent("# one");
        assertThat(GitRepos.git(repo, "status", "--porcelain")).isEmpty();
        // The scratch worktree recovers for the next merge.
        Path three = worktree("t3", "feature/t3-three");
        Files.writeString(three.resolve("c.txt"), "c\n");
        git.commitAll(three, task("Three", "t3", 1));
        assertThat(git.merge("feature/t3-three", "main", task("Merge t3", "t3", 1)))
                .isInstanceOf(MergeResult.Merged.class);
    }

    @Test
    void mergeRefusesToOverwriteTheUsersUncommittedChanges() throws IOException {
        Path wt = worktree("t1", "feature/t1-x");
        Files.writeString(wt.resolve("README.md"), "# agent\n");
        git.commitAll(wt, task("Agent edit", "t1", 1));
        Files.writeString(repo.resolve("README.md"), "# my local edit\n");
        String before = git.commitOf("main");

        assertThatThrownBy(() -> git.merge("feature/t1-x", "main", task("Merge", "t1", 1)))
                .isInstanceOf(KleiberException.class).hasMessageContaining("could not be fast-forwarded");
        assertThat(repo.resolve("README.md")).hasContent("# my local edit");
        assertThat(git.commitOf("main")).isEqualTo(before);
    }

    @Test
    void mergeMovesABranchNobodyHasCheckedOut() throws IOException {
        GitRepos.git(repo, "checkout", "-q", "-b", "elsewhere");
        Path wt = worktree("t1", "feature/t1-x");
        Files.writeString(wt.resolve("b.txt"), "b\n");
        git.commitAll(wt, task("Add b", "t1", 1));

        MergeResult result = git.merge("feature/t1-x", "main", task("Merge", "t1", 1));

        assertThat(git.commitOf("main")).isEqualTo(((MergeResult.Merged) result).commit());
        assertThat(repo.resolve("b.txt")).doesNotExist();
    }

    @Test
    void anExistingBranchIsResumedAndRemovedWorktreesArePruned() throws IOException {
        Path wt = worktree("t1", "feature/t1-x");
        Files.writeString(wt.resolve("partial.txt"), "half\n");
        String first = git.commitAll(wt, task("Attempt 1", "t1", 1)).orElseThrow();
        git.removeWorktree(wt);
        assertThat(wt).doesNotExist();

        Worktree again = git.addWorktree(wt, "feature/t1-x", "main");

        assertThat(again.head()).isEqualTo(first);
        assertThat(wt.resolve("partial.txt")).hasContent("half");
        assertThat(git.worktrees()).extracting(Worktree::path).contains(wt.toRealPath());
    }

    @Test
    void hooksNeverRunForKleibersCommits() throws IOException {
        Path hook = repo.resolve(".git/hooks/pre-commit");
        Files.writeString(hook, "#!/bin/sh\ntouch " + tmp.resolve("hook-ran") + "\nexit 1\n");
        hook.toFile().setExecutable(true);
        Path wt = worktree("t1", "feature/t1-x");
        Files.writeString(wt.resolve("x.txt"), "x\n");

        assertThat(git.commitAll(wt, task("X", "t1", 1))).isPresent();
        assertThat(tmp.resolve("hook-ran")).doesNotExist();
    }

    @Test
    void notARepositoryIsBadInput() {
        assertThatThrownBy(() -> new GitRepository(tmp, tmp.resolve("m")))
                .isInstanceOf(KleiberException.class).hasMessageContaining("is not a git repository");
    }

    @Test
    void commitMessageTrailersRoundTrip() {
        CommitMessage message = new CommitMessage("Add login\nform", "Body text.", Map.of("Kleiber-Task", "auth-1"));

        assertThat(message.text()).isEqualTo("Add login form\n\nBody text.\n\nKleiber-Task: auth-1\n");
        assertThat(CommitMessage.trailersOf(message.text())).containsExactly(Map.entry("Kleiber-Task", "auth-1"));
        assertThat(CommitMessage.trailersOf("Subject only")).isEmpty();
        assertThatThrownBy(() -> CommitMessage.of("x", Map.of("Bad key", "v"))).isInstanceOf(IllegalArgumentException.class);
    }
}

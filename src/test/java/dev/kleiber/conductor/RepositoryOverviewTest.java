package dev.kleiber.conductor;

import dev.kleiber.git.GitRepository;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RepositoryOverviewTest {
    @TempDir
    Path tmp;

    @Test
    void listsTheProjectsFilesAndReadmeButNotKleibersOwn() throws Exception {
        Path repo = GitRepos.init(tmp.resolve("repo"));
        Files.createDirectories(repo.resolve("src/backend"));
        Files.createDirectories(repo.resolve("tasks/scribe"));
        Files.writeString(repo.resolve("src/backend/server.js"), "// server\n");
        Files.writeString(repo.resolve("tasks/scribe/doc-1.md"), "# Task: doc-1\n");
        Files.writeString(repo.resolve("untracked.txt"), "not committed\n");
        GitRepos.git(repo, "add", "src", "tasks");
        GitRepos.git(repo, "commit", "-q", "-m", "files");

        String overview = RepositoryOverview.of(new GitRepository(repo, tmp.resolve("m")));

        assertThat(overview).startsWith("Files (2):\n- README.md\n- src/backend/server.js\n")
                .contains("README.md (start):\n# sample").doesNotContain("tasks/").doesNotContain("untracked");
    }
}

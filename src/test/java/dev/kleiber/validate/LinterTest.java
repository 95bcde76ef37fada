package dev.kleiber.validate;

import dev.kleiber.KleiberException;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinterTest {
    @TempDir
    Path root;

    private void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private Linter.Result lintAll(Optional<Set<String>> unignored) {
        return new Linter(root, unignored).lint(List.of(root), List.of(), EnumSet.allOf(Linter.Scope.class));
    }

    @Test
    void dependencyBuildAndToolFoldersAreNeverEntered() throws IOException {
        for (String folder : List.of("node_modules/x", "dist", "build", "out", "target/classes", "coverage", ".git",
                ".kleiber/worktrees/t1", ".next", "src/components/node_modules/y")) {
            write(folder + "/bad_name_test.ts", "function submitHandler() {}");
        }
        write("src/utils/good.ts", "export const x = 1;");
        Linter.Result result = lintAll(Optional.empty());
        assertThat(result.findings()).isEmpty();
        assertThat(result.filesChecked()).isEqualTo(1);
    }

    @Test
    void filesGitIgnoresAreSkippedWhenGitCanTell() throws IOException {
        write("src/generated/api_client.ts", "function submitHandler() {}");
        write("src/utils/format_date.ts", "");
        Linter.Result all = lintAll(Optional.empty());
        assertThat(all.findings()).extracting(Finding::path)
                .containsExactly("src/generated/api_client.ts", "src/generated/api_client.ts", "src/utils/format_date.ts");
        Linter.Result unignored = lintAll(Optional.of(Set.of("src/utils/format_date.ts")));
        assertThat(unignored.findings()).extracting(Finding::path).containsExactly("src/utils/format_date.ts");
    }

    @Test
    void findingsComeFromEveryRuleInPathAndLineOrder() throws IOException {
        write("src/db/migrations/001_init.sql", "CREATE TABLE user (id int);\n");
        write("src/components/Card.tsx", "\nexport const clickHandler = () => {};\n");
        write("src/backend/app.ts", "app.get('/health', ok);\n");
        Linter.Result result = new Linter(root, Optional.empty()).lint(List.of(root),
                List.of("feature/x", "main", "agent/scribe"), EnumSet.allOf(Linter.Scope.class));
        assertThat(result.findings()).extracting(Finding::render).containsExactly(
                "refs/heads/feature/x: [branch-name] branch 'feature/x' must be feature/{task-id}-{short-description} "
                        + "with a lower-case kebab description (e.g. feature/feat-001-x)",
                "src/backend/app.ts:1: [gate-endpoint-test] endpoint GET /health has no integration test "
                        + "(no file under tests/integration/ mentions /health)",
                "src/components/Card.tsx: [gate-story] component 'Card' has no Storybook story beside it "
                        + "(expected Card.stories.tsx)",
                "src/components/Card.tsx:2: [fn-handler] handler 'clickHandler' must be named handle{Event} (e.g. handleClick)",
                "src/db/migrations/001_init.sql:1: [sql-table] table 'user' must be snake_case plural (e.g. users)");
        assertThat(result.branchesChecked()).isEqualTo(2);
        assertThat(result.componentsChecked()).isEqualTo(1);
        assertThat(result.endpointsChecked()).isEqualTo(1);
    }

    @Test
    void scopesSelectTheChecks() throws IOException {
        write("src/components/card.tsx", "");
        write("src/components/Card.tsx", "");
        Linter linter = new Linter(root, Optional.empty());
        assertThat(linter.lint(List.of(root), List.of("fix/x"), EnumSet.of(Linter.Scope.NAMING)).findings())
                .extracting(Finding::rule).containsExactlyInAnyOrder(Rule.FILE_COMPONENT, Rule.BRANCH_NAME);
        assertThat(linter.lint(List.of(root), List.of("fix/x"), EnumSet.of(Linter.Scope.STORIES)).findings())
                .extracting(Finding::rule).containsExactly(Rule.GATE_STORY);
    }

    @Test
    void targetsNarrowTheFilesButTestsAreReadFromTheRoot() throws IOException {
        write("src/backend/users.ts", "router.get('/users', list);\n");
        write("src/backend/orders.ts", "router.get('/orders', list);\n");
        write("tests/integration/users.test.ts", "request(app).get('/users')");
        write("src/utils/bad_name.ts", "");
        Linter.Result result = new Linter(root, Optional.empty()).lint(List.of(root.resolve("src/backend/users.ts")),
                List.of(), EnumSet.allOf(Linter.Scope.class));
        assertThat(result.findings()).isEmpty();
        assertThat(result.filesChecked()).isEqualTo(1);
        assertThat(result.endpointsChecked()).isEqualTo(1);
    }

    @Test
    void targetsMustExistInsideTheRoot() {
        Linter linter = new Linter(root, Optional.empty());
        assertThatThrownBy(() -> linter.lint(List.of(root.resolve("nope")), List.of(), EnumSet.allOf(Linter.Scope.class)))
                .isInstanceOf(KleiberException.class).hasMessageEndingWith("does not exist");
        assertThatThrownBy(() -> linter.lint(List.of(root.getParent()), List.of(), EnumSet.allOf(Linter.Scope.class)))
                .isInstanceOf(KleiberException.class).hasMessageContaining("is outside the repository");
    }

    @Test
    void symlinkedFoldersAreNotFollowed() throws IOException {
        Path outside = Files.createDirectories(root.getParent().resolve(root.getFileName() + "-outside"));
        Files.writeString(outside.resolve("bad_name_test.ts"), "");
        Files.createDirectories(root.resolve("src"));
        Files.createSymbolicLink(root.resolve("src/linked"), outside);
        assertThat(lintAll(Optional.empty()).findings()).isEmpty();
    }

    @Test
    void localGitListsBranchesAndUnignoredFiles() throws IOException {
        Path repo = GitRepos.init(root.resolve("repo"));
        GitRepos.git(repo, "branch", "feature/feat-001-login");
        GitRepos.git(repo, "branch", "agent/Scribe");
        GitRepos.git(repo, "checkout", "-q", "-b", "fix/oops");
        Files.writeString(repo.resolve(".gitignore"), "generated/\n");
        Files.createDirectories(repo.resolve("generated"));
        Files.writeString(repo.resolve("generated/x.ts"), "");
        Files.writeString(repo.resolve("new.ts"), "");
        LocalGit git = new LocalGit(repo);
        assertThat(git.currentBranch()).contains("fix/oops");
        assertThat(git.branches()).containsExactlyInAnyOrder("fix/oops", "main", "feature/feat-001-login", "agent/Scribe");
        assertThat(git.unignoredFiles()).containsExactlyInAnyOrder("README.md", ".gitignore", "new.ts");
    }

    @Test
    void localGitSeesAnUnbornBranchAndFailsClearlyOutsideGit() throws IOException {
        Path repo = Files.createDirectories(root.resolve("fresh"));
        GitRepos.git(repo, "init", "-q", "-b", "feature/first");
        assertThat(new LocalGit(repo).branches()).containsExactly("feature/first");
        Path plain = Files.createDirectories(root.resolve("plain"));
        assertThatThrownBy(() -> new LocalGit(plain).unignoredFiles()).isInstanceOf(KleiberException.class)
                .hasMessageStartingWith("git ls-files failed in ");
    }
}

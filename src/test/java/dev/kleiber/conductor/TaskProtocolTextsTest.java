package dev.kleiber.conductor;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the dashboard may show of a task's protocol files: their text, and nothing outside the four protocol folders
 * however a hostile agent or a careless person arranged links and names.
 */
class TaskProtocolTextsTest {
    @TempDir
    Path tmp;
    Path repo;

    @BeforeEach
    void protocolFolders() throws IOException {
        repo = Files.createDirectories(tmp.resolve("repo"));
        write("tasks/engineer-backend/card-refunds.md", "# Card refunds\n\nRefund a card payment.\n");
        write("progress/engineer-backend/card-refunds-started.md", "started at 10:00\n");
        write("complete/engineer-backend/card-refunds-done.md", "done\n");
        write("blocked/engineer-backend/card-refunds-conflict.md", "Which currency?\n");
        write("tasks/engineer-backend/card-refunds-old.txt", "not markdown\n");
        write("tasks/scribe/card-refunds2.md", "another task whose id only starts the same\n");
        write(".env", "ANTHROPIC_API_KEY=sk-ant-api03-SECRET\n");
        write("outside/card-refunds-notes.md", "outside the protocol folders\n");
    }

    private Path write(String relative, String text) throws IOException {
        Path file = repo.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private TaskProtocolTexts files() {
        return new TaskProtocolTexts(repo);
    }

    @Test
    void theTasksFourFilesAreReadWithTheirFolders() {
        assertThat(files().read("card-refunds")).extracting(TaskProtocolTexts.File::path, TaskProtocolTexts.File::folder)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("blocked/engineer-backend/card-refunds-conflict.md", "blocked"),
                        org.assertj.core.groups.Tuple.tuple("complete/engineer-backend/card-refunds-done.md", "complete"),
                        org.assertj.core.groups.Tuple.tuple("progress/engineer-backend/card-refunds-started.md", "progress"),
                        org.assertj.core.groups.Tuple.tuple("tasks/engineer-backend/card-refunds.md", "tasks"));
        TaskProtocolTexts.File task = files().read("card-refunds").get(3);
        assertThat(task.text()).isEqualTo("# Card refunds\n\nRefund a card payment.\n");
        assertThat(task.sizeBytes()).isEqualTo(task.text().length());
        assertThat(task.truncated()).isFalse();
        assertThat(files().read("no-such-task")).isEmpty();
    }

    @Test
    void linksOutOfTheRepositoryOrToItsSecretsAreNeverFollowed() throws IOException {
        Path secret = Files.writeString(tmp.resolve("home-secret.md"), "password=hunter2\n");
        Files.createSymbolicLink(repo.resolve("progress/engineer-backend/card-refunds-env.md"), repo.resolve(".env"));
        Files.createSymbolicLink(repo.resolve("blocked/engineer-backend/card-refunds-home.md"), secret);
        // a whole agent folder that is a link to somewhere else, and a protocol folder that is one
        Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(tmp.resolve("elsewhere/card-refunds.md"), "password=hunter2\n");
        Files.createSymbolicLink(repo.resolve("tasks/evil"), tmp.resolve("elsewhere"));
        Files.delete(repo.resolve("complete/engineer-backend/card-refunds-done.md"));
        Files.delete(repo.resolve("complete/engineer-backend"));
        Files.delete(repo.resolve("complete"));
        Files.createSymbolicLink(repo.resolve("complete"), tmp.resolve("elsewhere"));
        // hidden files and folders inside a protocol folder
        write("tasks/.hidden/card-refunds.md", "hidden\n");
        write("tasks/engineer-backend/.card-refunds-draft.md", "hidden\n");

        assertThat(files().read("card-refunds")).extracting(TaskProtocolTexts.File::path).containsExactly(
                "blocked/engineer-backend/card-refunds-conflict.md",
                "progress/engineer-backend/card-refunds-started.md",
                "tasks/engineer-backend/card-refunds.md");
        assertThat(files().read("card-refunds")).allSatisfy(f -> assertThat(f.text()).doesNotContain("hunter2", "sk-ant"));
    }

    @Test
    void aSiblingFolderWhoseNameStartsLikeAProtocolFolderIsNotOne() throws IOException {
        Path realRoot = repo.toRealPath();
        Path sibling = write("tasks-old/engineer-backend/card-refunds.md", "old\n");
        assertThat(TaskProtocolTexts.inside(realRoot, "tasks", sibling)).isFalse();
        assertThat(TaskProtocolTexts.inside(realRoot, "tasks", realRoot.resolve("tasks/engineer-backend/card-refunds.md"))).isTrue();
        assertThat(TaskProtocolTexts.inside(realRoot, "tasks", realRoot.resolve("tasks/engineer-backend/../../.env"))).isFalse();
        assertThat(TaskProtocolTexts.inside(realRoot, "tasks", realRoot.resolve("tasks/engineer-backend/gone.md"))).isFalse();
    }

    @Test
    void textsAreCutAtTheirBoundsAndAnApiKeyAnAgentCopiedIsBlanked() throws IOException {
        write("tasks/engineer-backend/card-refunds.md", "key sk-ant-api03-abcDEF_123 here\n" + "x".repeat(70 * 1024));
        TaskProtocolTexts.File task = files().read("card-refunds").get(3);
        assertThat(task.truncated()).isTrue();
        assertThat(task.sizeBytes()).isGreaterThan(TaskProtocolTexts.MAX_FILE_BYTES);
        assertThat(task.text()).startsWith("key sk-ant-[redacted] here\n").doesNotContain("abcDEF");
        assertThat(task.text().length()).isLessThanOrEqualTo(TaskProtocolTexts.MAX_FILE_BYTES);

        for (int i = 0; i < 20; i++) {
            write("blocked/engineer-backend/card-refunds-q" + (100 + i) + ".md", "y".repeat(30 * 1024));
        }
        var all = files().read("card-refunds");
        assertThat(all).hasSize(TaskProtocolTexts.MAX_FILES);
        assertThat(all.stream().mapToInt(f -> f.text().length()).sum()).isLessThanOrEqualTo(TaskProtocolTexts.MAX_TOTAL_BYTES);
        assertThat(all).filteredOn(TaskProtocolTexts.File::truncated).isNotEmpty();
    }

    @Test
    void theValidationReportIsReadUnderTheSameRules() throws IOException {
        write("reports/card-refunds-validation.md", "node --test: 6 passed\n");
        assertThat(files().readOne("reports", "card-refunds-validation.md", 1024)).hasValueSatisfying(report -> {
            assertThat(report.text()).isEqualTo("node --test: 6 passed\n");
            assertThat(report.path()).isEqualTo("reports/card-refunds-validation.md");
        });
        assertThat(files().readOne("reports", "card-refunds-validation.md", 4)).hasValueSatisfying(report -> {
            assertThat(report.text()).isEqualTo("node");
            assertThat(report.truncated()).isTrue();
        });
        Files.createSymbolicLink(repo.resolve("reports/doc-notes-validation.md"), repo.resolve(".env"));
        assertThat(files().readOne("reports", "doc-notes-validation.md", 1024)).isEmpty();
        assertThat(files().readOne("reports", "absent-validation.md", 1024)).isEmpty();
        assertThat(files().readOne("reports", "../.env", 1024)).isEmpty();
    }
}

package dev.kleiber.scribe;

import dev.kleiber.KleiberException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScribeTest {
    @TempDir
    Path repo;

    private static final OffsetDateTime DAY1 = OffsetDateTime.parse("2026-11-25T10:00:00Z");

    private static MergedWork work(String id, OffsetDateTime at, String... decisions) {
        return new MergedWork(id, "Add " + id, "engineer-backend", "sonnet", "Built " + id + ".\nWith tests.",
                List.of(decisions), at);
    }

    @Test
    void changelogGrowsOnlyAtItsEndWithOneSectionPerDay() throws IOException {
        Path changelog = repo.resolve("CHANGELOG.md");
        Files.writeString(changelog, "# Changelog\n\nOld entry kept as written.\n");
        Scribe scribe = new Scribe(repo);

        scribe.record(work("feat-001", DAY1));
        String afterFirst = Files.readString(changelog);
        scribe.record(work("feat-002", DAY1.plusHours(1)));
        scribe.record(work("feat-003", DAY1.plusDays(1)));
        String text = Files.readString(changelog);

        assertThat(text).startsWith(afterFirst).startsWith("# Changelog\n\nOld entry kept as written.\n");
        assertThat(text).isEqualTo("""
                # Changelog

                Old entry kept as written.

                ## 2026-11-25

                - Add feat-001: Built feat-001. With tests. — engineer-backend on sonnet (feat-001)
                - Add feat-002: Built feat-002. With tests. — engineer-backend on sonnet (feat-002)

                ## 2026-11-26

                - Add feat-003: Built feat-003. With tests. — engineer-backend on sonnet (feat-003)
                """);
    }

    @Test
    void recordingTheSameWorkTwiceChangesNothing() throws IOException {
        Scribe scribe = new Scribe(repo);
        MergedWork work = work("feat-001", DAY1, "Chose SQLite over PostgreSQL because it needs no server");
        assertThat(scribe.record(work)).hasSize(2);
        String changelog = Files.readString(repo.resolve("CHANGELOG.md"));

        assertThat(scribe.record(work)).isEmpty();

        assertThat(Files.readString(repo.resolve("CHANGELOG.md"))).isEqualTo(changelog);
        try (var adrs = Files.list(repo.resolve("docs/decisions"))) {
            assertThat(adrs.toList()).hasSize(1);
        }
    }

    @Test
    void eachDecisionBecomesANumberedAdr() throws IOException {
        Files.createDirectories(repo.resolve("docs/decisions"));
        Files.writeString(repo.resolve("docs/decisions/0007-earlier.md"), "# 7. Earlier\n");
        Scribe scribe = new Scribe(repo);

        scribe.record(work("feat-001", DAY1, "Chose Zod over Joi because it infers TypeScript types",
                "Kept pagination cursor-based"));

        Path adr = repo.resolve("docs/decisions/0008-chose-zod-over-joi.md");
        assertThat(adr).content().isEqualTo("""
                # 8. Chose Zod over Joi

                Date: 2026-11-25
                Status: Accepted
                Task: feat-001 (engineer-backend, sonnet)

                ## Context
                Add feat-001: Built feat-001. With tests.

                ## Decision
                Chose Zod over Joi because it infers TypeScript types

                ## Consequences
                Recorded from the done file of feat-001; revisit with a new ADR that supersedes this one.
                """);
        assertThat(repo.resolve("docs/decisions/0009-kept-pagination-cursor-based.md")).exists();
    }

    @Test
    void progressGetsOneSummaryPerSession() throws IOException {
        Scribe scribe = new Scribe(repo);
        SessionSummary session = new SessionSummary("r1", "Add user settings", DAY1, List.of("feat-001", "feat-002"),
                List.of("pay-001"), List.of(), List.of(), new BigDecimal("1.2345"));

        scribe.summarize(session);
        scribe.summarize(session);

        String text = Files.readString(repo.resolve("PROGRESS.md"));
        assertThat(text).startsWith("# Progress\n\n").contains("""
                ## Session 2026-11-25T10:00Z (run r1)

                Request: Add user settings

                - Merged: feat-001, feat-002
                - Awaiting human review: pay-001
                - Blocked: none
                - Failed: none
                - Cost: $1.23
                """);
        assertThat(text.split("## Session", -1)).hasSize(3);
    }

    @Test
    void adrTitlesAndSlugs() {
        assertThat(Scribe.adrTitle("chose X over Y because Z.")).isEqualTo("Chose X over Y");
        assertThat(Scribe.slug("Chose Zod over Joi!")).isEqualTo("chose-zod-over-joi");
        assertThat(Scribe.slug("???")).isEqualTo("decision");
    }

    @Test
    void aRecordThatLeadsThroughASymbolicLinkIsRefusedAndNothingOutsideTheRepositoryIsReadOrWritten() throws IOException {
        Path outside = Files.createDirectories(repo.resolveSibling(repo.getFileName() + "-outside"));
        Path secret = Files.writeString(outside.resolve("id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
        Path repository = Files.createDirectories(repo.resolve("project"));
        Files.createSymbolicLink(repository.resolve("CHANGELOG.md"), secret);
        Scribe scribe = new Scribe(repository);

        assertThatThrownBy(() -> scribe.record(work("feat-001", DAY1))).isInstanceOf(KleiberException.class)
                .hasMessageContaining("CHANGELOG.md is a symbolic link");
        assertThat(Files.readString(secret)).isEqualTo("-----BEGIN OPENSSH PRIVATE KEY-----\n");

        Files.delete(repository.resolve("CHANGELOG.md"));
        Files.createDirectories(repository.resolve("docs"));
        Files.createSymbolicLink(repository.resolve("docs/decisions"), outside);
        assertThatThrownBy(() -> scribe.record(work("feat-002", DAY1, "Chose A over B because C")))
                .isInstanceOf(KleiberException.class).hasMessageContaining("docs/decisions is a symbolic link");
        try (var left = Files.list(outside)) {
            assertThat(left.toList()).as("no ADR written through the link").containsExactly(secret);
        }

        Files.createSymbolicLink(repository.resolve("PROGRESS.md"), secret);
        assertThatThrownBy(() -> scribe.summarize(new SessionSummary("run-1", "a request", DAY1, List.of(), List.of(),
                List.of(), List.of(), BigDecimal.ONE))).isInstanceOf(KleiberException.class)
                .hasMessageContaining("PROGRESS.md is a symbolic link");
        assertThat(Files.readString(secret)).isEqualTo("-----BEGIN OPENSSH PRIVATE KEY-----\n");
    }
}

package dev.kleiber.protocol;

import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;

import static dev.kleiber.protocol.Examples.PARSER;
import static org.assertj.core.api.Assertions.assertThat;

class ProtocolParserTest {

    static ProtocolDocument parsed(ParseResult result) {
        assertThat(result).as("%s", result).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) result).document();
    }

    @Test
    void readsTheBlueprintTaskFile() {
        TaskFile task = (TaskFile) parsed(PARSER.parse(Examples.TASK,
                FileLocation.of(Path.of("tasks/engineer-backend/feat-001.md")).orElseThrow()));

        assertThat(task.id()).isEqualTo("feat-001");
        assertThat(task.agent()).isEqualTo("engineer-backend");
        assertThat(task.model()).isEqualTo(Tier.SONNET);
        assertThat(task.priority()).isEqualTo(Priority.P1);
        assertThat(task.created()).isEqualTo(OffsetDateTime.parse("2025-01-09T14:30:00Z"));
        assertThat(task.description()).isEqualTo("Implement webhook handler with integration tests.");
        assertThat(task.acceptanceCriteria()).containsExactly(
                new CheckItem("Handler verifies the signature", false),
                new CheckItem("Failed deliveries are retried", true));
        assertThat(task.context()).isEqualTo("Related to feat-000 (payment events).");
        assertThat(task.constraints()).isEqualTo("Do not touch src/frontend/*.");
        assertThat(task.extraFields()).isEmpty();
        assertThat(task.extraSections()).isEmpty();
    }

    @Test
    void readsTheBlueprintStartedFileKeepingItsOffset() {
        StartedFile started = (StartedFile) parsed(PARSER.parse(Examples.STARTED,
                FileLocation.of(Path.of("progress/engineer-backend/feat-001-started.md")).orElseThrow()));

        assertThat(started.started().getOffset().getTotalSeconds()).isEqualTo(3600);
        assertThat(started.estimated()).isEqualTo("2h");
        assertThat(started.approach()).startsWith("Add an Express route");
        assertThat(started.filesToTouch()).containsExactly("src/backend/webhooks.ts", "src/backend/webhooks.test.ts");
        assertThat(ProtocolRenderer.render(started)).contains("Started: 2025-01-09T14:35:00+01:00\n");
    }

    @Test
    void readsTheBlueprintDoneFile() {
        CompleteFile done = (CompleteFile) parsed(PARSER.parse(Examples.COMPLETE,
                FileLocation.of(Path.of("complete/engineer-backend/feat-001-done.md")).orElseThrow()));

        assertThat(done.modelUsed()).isEqualTo(Tier.SONNET);
        assertThat(done.tokens()).isEqualTo(new Tokens(15000, 8000));
        assertThat(done.filesChanged()).containsExactly(
                new FileChange("src/backend/webhooks.ts", FileChange.Change.CREATED),
                new FileChange("src/backend/routes.ts", FileChange.Change.MODIFIED));
        assertThat(done.testsAdded()).containsExactly("test/webhooks.test.ts");
        assertThat(done.decisions()).containsExactly(
                "Chose HMAC-SHA256 over plain tokens because the provider signs payloads");
        assertThat(done.readyForReview()).extracting(CheckItem::done).containsExactly(true, true, false);
    }

    @Test
    void readsTheBudgetAlertBlockedFile() {
        FileLocation location = FileLocation.of(Path.of("blocked/conductor/budget-2026-11-25-conflict.md")).orElseThrow();
        assertThat(location).isEqualTo(new FileLocation(Kind.BLOCKED, "conductor", "budget-2026-11-25"));

        BlockedFile blocked = (BlockedFile) parsed(PARSER.parse(Examples.BLOCKED, location));

        assertThat(blocked.id()).isEqualTo("budget-2026-11-25");
        assertThat(blocked.type()).isEqualTo(BlockType.TECHNICAL);
        assertThat(blocked.attemptedSolutions()).containsExactly("Tried X, failed because Y",
                "Tried Z, partial success but...");
        assertThat(blocked.needFromConductor()).isEqualTo("A human must approve further spend today.");
    }

    @Test
    void rendersTheBlueprintExamplesBackByteForByte() {
        for (String example : List.of(Examples.TASK, Examples.STARTED, Examples.COMPLETE, Examples.BLOCKED)) {
            assertThat(ProtocolRenderer.render(parsed(PARSER.parse(example)))).isEqualTo(example);
        }
    }

    @Test
    void toleratesHowPeopleWrite() {
        String sloppy = """
                # task:   feat-001  \r
                agent:engineer-backend   \r
                MODEL: Sonnet\r
                \r
                priority: P1\r
                Created: 2025-01-09T14:30Z\r
                \r
                \r
                ## DESCRIPTION  \r
                Implement webhook handler with integration tests.   \r
                \r
                \r
                ## acceptance criteria:\r
                * [ ] Handler verifies the signature\r
                * [X] Failed deliveries are retried\r
                ## Context\r
                Related to feat-000 (payment events).\r
                ## constraints\r
                Do not touch src/frontend/*.\r
                """;

        TaskFile task = (TaskFile) parsed(PARSER.parse(sloppy));

        assertThat(task).isEqualTo(parsed(PARSER.parse(Examples.TASK)));
    }

    @Test
    void keepsExtraSectionsAndFieldsAndRendersThemBack() {
        String text = Examples.TASK.replace("Created: 2025-01-09T14:30:00Z\n",
                "Created: 2025-01-09T14:30:00Z\nDepends On: feat-000\n") + "\n## Notes\nSee the ADR.\n\n### Detail\nmore\n";

        TaskFile task = (TaskFile) parsed(PARSER.parse(text));

        assertThat(task.extraFields()).containsExactly(new Field("Depends On", "feat-000"));
        assertThat(task.extraSections()).containsExactly(new Section("Notes", "See the ADR.\n\n### Detail\nmore"));
        assertThat(ProtocolRenderer.render(task)).isEqualTo(text);
        assertThat(parsed(PARSER.parse(ProtocolRenderer.render(task)))).isEqualTo(task);
    }

    @Test
    void keepsADescriptionVerbatimIncludingCodeThatLooksLikeHeadings() {
        String text = Examples.TASK.replace("Implement webhook handler with integration tests.\n",
                "Implement it:\n\n```md\n## Not a section\n```\n\n1. first\n   detail\n");

        TaskFile task = (TaskFile) parsed(PARSER.parse(text));

        assertThat(task.description()).isEqualTo("Implement it:\n\n```md\n## Not a section\n```\n\n1. first\n   detail");
    }

    @Test
    void acceptsSetextHeadingsAndBacktickedPaths() {
        String text = Examples.COMPLETE.replace("## Summary\n", "Summary\n-------\n")
                .replace("- src/backend/webhooks.ts (created)", "- `src/backend/webhooks.ts` (Created)");

        CompleteFile done = (CompleteFile) parsed(PARSER.parse(text));

        assertThat(done.summary()).isEqualTo("Webhook handler with signature checks and retries.");
        assertThat(done.filesChanged().get(0)).isEqualTo(new FileChange("src/backend/webhooks.ts", FileChange.Change.CREATED));
    }

    @Test
    void optionalSectionsMayBeLeftOut() {
        String text = """
                # Blocked: feat-002
                Agent: engineer-frontend
                Blocked Since: 2025-01-09T14:30:00-05:00
                Type: dependency

                ## Problem
                The API is not there yet.

                ## Need From Conductor
                Schedule feat-001 first.
                """;

        BlockedFile blocked = (BlockedFile) parsed(PARSER.parse(text));

        assertThat(blocked.attemptedSolutions()).isEmpty();
    }

    @Test
    void usesTheProjectsRolesWhenGiven() {
        ProtocolParser custom = new ProtocolParser(List.of("conductor", "engineer-backend", "data-engineer"));
        String text = Examples.TASK.replace("Agent: engineer-backend", "Agent: data-engineer");

        assertThat(parsed(custom.parse(text)).agent()).isEqualTo("data-engineer");
        assertThat(PARSER.parse(text)).isInstanceOf(ParseResult.Rejected.class);
        assertThat(Roles.BLUEPRINT).doesNotContain("data-engineer");
    }
}

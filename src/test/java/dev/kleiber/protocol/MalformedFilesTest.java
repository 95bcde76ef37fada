package dev.kleiber.protocol;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.kleiber.protocol.Examples.PARSER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Each malformed file is refused with exactly one problem: the line it is on and what was expected. */
class MalformedFilesTest {
    private static final String TASK_PATH = "tasks/engineer-backend/feat-001.md";
    private static final String STARTED_PATH = "progress/engineer-backend/feat-001-started.md";
    private static final String DONE_PATH = "complete/engineer-backend/feat-001-done.md";
    private static final String BLOCKED_PATH = "blocked/conductor/budget-2026-11-25-conflict.md";

    static Stream<Arguments> malformedFiles() {
        List<Arguments> cases = new ArrayList<>();
        // the heading
        cases.add(task("an empty file", "", 1, "the file is empty; expected a first line like '# Task: feat-001'"));
        cases.add(task("only blank lines", "\n\n  \n", 1, "the file is empty; expected a first line like '# Task: feat-001'"));
        cases.add(task("no heading", Examples.TASK.replace("# Task: feat-001\n", ""), 1,
                "expected the file to start with a heading like '# Task: feat-001'; found 'Agent: engineer-backend'"));
        cases.add(task("a level-2 first heading", Examples.TASK.replace("# Task:", "## Task:"), 1,
                "expected the file to start with a heading like '# Task: feat-001'; found '## Task: feat-001'"));
        cases.add(task("an unknown heading word", Examples.TASK.replace("# Task:", "# Job:"), 1,
                "expected a heading like '# Task: feat-001'; found '# Job: feat-001'"));
        cases.add(task("a started file in tasks/", Examples.STARTED, 1,
                "a file in tasks/ must start with '# Task: feat-001'; found '# Started: feat-001'"));
        cases.add(task("a heading id that differs from the file name", Examples.TASK.replace("feat-001", "feat-002"), 1,
                "the heading names task 'feat-002' but the file name says 'feat-001'; expected '# Task: feat-001'"));
        cases.add(task("no id in the heading", Examples.TASK.replace("# Task: feat-001", "# Task:"), 1,
                "the heading has no task id; expected '# Task: {task-id}'"));
        cases.add(of("an id that is not a file name", TASK_PATH,
                Examples.TASK.replace("# Task: feat-001", "# Task: ../feat 1"), 1,
                "the task id must be letters, digits, '.', '_' or '-', starting with a letter or digit; found '../feat 1'"));
        // the fields
        cases.add(task("an unknown model", Examples.TASK.replace("Model: sonnet", "Model: gpt4"), 3,
                "Model must be one of opus, sonnet, haiku; found 'gpt4'"));
        cases.add(task("a very long value, quoted short", Examples.TASK.replace("Model: sonnet", "Model: " + "x".repeat(500)), 3,
                "Model must be one of opus, sonnet, haiku; found '" + "x".repeat(77) + "...'"));
        cases.add(task("an unknown priority", Examples.TASK.replace("Priority: p1", "Priority: urgent"), 4,
                "Priority must be one of p0, p1, p2; found 'urgent'"));
        cases.add(task("a timestamp with a space", Examples.TASK.replace("2025-01-09T14:30:00Z", "2025-01-09 14:30"), 5,
                "Created must be an ISO-8601 timestamp with an offset, e.g. 2025-01-09T14:30:00Z; found '2025-01-09 14:30'"));
        cases.add(task("a timestamp without an offset", Examples.TASK.replace("2025-01-09T14:30:00Z", "2025-01-09T14:30:00"), 5,
                "Created must be an ISO-8601 timestamp with an offset, e.g. 2025-01-09T14:30:00Z; found '2025-01-09T14:30:00'"));
        cases.add(task("a missing Model line", Examples.TASK.replace("Model: sonnet\n", ""), 1,
                "missing the line 'Model: {opus|sonnet|haiku}' after the heading"));
        cases.add(task("a missing Agent line", Examples.TASK.replace("Agent: engineer-backend\n", ""), 1,
                "missing the line 'Agent: {agent-name}' after the heading"));
        cases.add(of("an agent the project does not know", "tasks/hacker/feat-001.md",
                Examples.TASK.replace("Agent: engineer-backend", "Agent: hacker"), 2,
                "Agent must be one of conductor, architect, engineer-frontend, engineer-backend, validator, scribe; found 'hacker'"));
        cases.add(task("an agent that is not its folder", Examples.TASK.replace("Agent: engineer-backend", "Agent: engineer-frontend"), 2,
                "Agent 'engineer-frontend' does not match the folder the file is in ('engineer-backend')"));
        cases.add(task("a field given twice", Examples.TASK.replace("Priority: p1\n", "Priority: p1\nmodel: opus\n"), 5,
                "'model' is given twice (first on line 3)"));
        cases.add(task("prose among the fields", Examples.TASK.replace("Priority: p1\n", "Priority: p1\nplease hurry\n"), 5,
                "expected a 'Label: value' line such as 'Agent: engineer-backend'; found 'please hurry'"));
        cases.add(task("a list among the fields", Examples.TASK.replace("Created: 2025-01-09T14:30:00Z\n",
                        "Created: 2025-01-09T14:30:00Z\n\n- urgent\n"), 7,
                "expected 'Label: value' lines such as 'Agent: engineer-backend' between the heading and the first '## ' "
                        + "section; found '- urgent'"));
        // the sections
        cases.add(task("a missing Description", Examples.TASK.replace("## Description\nImplement webhook handler with integration tests.\n\n", ""), 1,
                "missing the section '## Description'"));
        cases.add(task("an empty Description", Examples.TASK.replace("Implement webhook handler with integration tests.\n", ""), 7,
                "the section '## Description' is empty; write its text under the heading"));
        cases.add(task("a criterion without a box", Examples.TASK.replace("- [ ] Handler", "- Handler"), 11,
                "expected a checklist item '- [ ] text' or '- [x] text' under '## Acceptance Criteria'; found '- Handler verifies the signature'"));
        cases.add(task("a criterion with a malformed box", Examples.TASK.replace("- [ ] Handler", "- [] Handler"), 11,
                "expected a checklist item '- [ ] text' or '- [x] text' under '## Acceptance Criteria'; found '- [] Handler verifies the signature'"));
        cases.add(task("a box with no text", Examples.TASK.replace("- [x] Failed deliveries are retried", "- [x]"), 12,
                "the checklist item under '## Acceptance Criteria' has no text after its box"));
        cases.add(task("no acceptance criteria", Examples.TASK.replace("- [ ] Handler verifies the signature\n- [x] Failed deliveries are retried\n", ""), 10,
                "the section '## Acceptance Criteria' has no items; expected at least one '- [ ] criterion'"));
        cases.add(task("criteria written as prose", Examples.TASK.replace("- [ ] Handler verifies the signature\n- [x] Failed deliveries are retried\n",
                        "- [ ] Handler verifies the signature\n\nAnd make it fast.\n"), 13,
                "expected list items like '- [ ] criterion' under '## Acceptance Criteria'; found 'And make it fast.'"));
        cases.add(task("a nested list under a criterion", Examples.TASK.replace("- [x] Failed deliveries are retried\n",
                        "- [x] Failed deliveries are retried\n  - with backoff\n"), 13,
                "a list item under '## Acceptance Criteria' must be plain text on its own; found '- with backoff'"));
        cases.add(task("a section given twice", Examples.TASK + "\n## context\nagain\n", 20,
                "section '## context' appears twice (first on line 14)"));
        cases.add(task("a section heading without a name", Examples.TASK + "\n##\ntext\n", 20,
                "a '## ' section heading needs a name"));
        // started
        cases.add(of("an empty estimate", STARTED_PATH, Examples.STARTED.replace("Estimated: 2h", "Estimated:"), 4,
                "Estimated must say how long, e.g. 'Estimated: 2h'; found nothing"));
        cases.add(of("a started time that is a date only", STARTED_PATH, Examples.STARTED.replace("2025-01-09T14:35:00+01:00", "2025-01-09"), 3,
                "Started must be an ISO-8601 timestamp with an offset, e.g. 2025-01-09T14:30:00Z; found '2025-01-09'"));
        cases.add(of("a missing Approach", STARTED_PATH, Examples.STARTED.replace("## Approach\n", "## Plan\n"), 1,
                "missing the section '## Approach'"));
        cases.add(of("an empty item among files to touch", STARTED_PATH, Examples.STARTED.replace("- src/backend/webhooks.ts\n", "-\n"), 10,
                "empty list item under '## Files I'll Touch'"));
        // complete
        cases.add(of("token counts in thousands", DONE_PATH, Examples.COMPLETE.replace("Tokens: 15000/8000", "Tokens: 15k/8k"), 5,
                "Tokens must be {input}/{output} as whole numbers, e.g. 'Tokens: 15000/8000'; found '15k/8k'"));
        cases.add(of("one token count", DONE_PATH, Examples.COMPLETE.replace("Tokens: 15000/8000", "Tokens: 23000"), 5,
                "Tokens must be {input}/{output} as whole numbers, e.g. 'Tokens: 15000/8000'; found '23000'"));
        cases.add(of("negative token counts", DONE_PATH, Examples.COMPLETE.replace("Tokens: 15000/8000", "Tokens: -1/8000"), 5,
                "Tokens must be {input}/{output} as whole numbers, e.g. 'Tokens: 15000/8000'; found '-1/8000'"));
        cases.add(of("a model used outside the tiers", DONE_PATH, Examples.COMPLETE.replace("Model Used: sonnet", "Model Used: gpt-4o"), 4,
                "Model Used must be one of opus, sonnet, haiku; found 'gpt-4o'"));
        cases.add(of("an unknown file change", DONE_PATH, Examples.COMPLETE.replace("routes.ts (modified)", "routes.ts (renamed)"), 12,
                "expected '- path (created|modified|deleted)' under '## Files Changed'; found '- src/backend/routes.ts (renamed)'"));
        cases.add(of("a file change without its kind", DONE_PATH, Examples.COMPLETE.replace("routes.ts (modified)", "routes.ts"), 12,
                "expected '- path (created|modified|deleted)' under '## Files Changed'; found '- src/backend/routes.ts'"));
        cases.add(of("an empty summary", DONE_PATH, Examples.COMPLETE.replace("Webhook handler with signature checks and retries.\n", "\n   \n"), 7,
                "the section '## Summary' is empty; write its text under the heading"));
        cases.add(of("a done file under the wrong name", "complete/engineer-backend/feat-002-done.md", Examples.COMPLETE, 1,
                "the heading names task 'feat-001' but the file name says 'feat-002'; expected '# Complete: feat-002'"));
        // blocked
        cases.add(of("an unknown blocked type", BLOCKED_PATH, Examples.BLOCKED.replace("Type: technical", "Type: budget"), 4,
                "Type must be one of merge_conflict, dependency, unclear_requirements, technical; found 'budget'"));
        cases.add(of("a missing Need From Conductor", BLOCKED_PATH, Examples.BLOCKED.replace("## Need From Conductor", "## Ask"), 1,
                "missing the section '## Need From Conductor'"));
        cases.add(of("a missing Blocked Since", BLOCKED_PATH, Examples.BLOCKED.replace("Blocked Since: 2026-11-25T10:00:00Z\n", ""), 1,
                "missing the line 'Blocked Since: {ISO timestamp}' after the heading"));
        // bytes
        cases.add(bytes("a UTF-16 file", TASK_PATH, utf16(Examples.TASK), 1,
                "the file starts with a UTF-16 (little-endian) byte-order mark; save it as UTF-8 without a byte-order mark"));
        cases.add(bytes("Latin-1 bytes on line 8", TASK_PATH,
                Examples.TASK.replace("Implement webhook", "Impl\u00e9ment webhook").getBytes(StandardCharsets.ISO_8859_1), 8,
                "the file is not valid UTF-8 (byte 119 is 0xE9); save it as UTF-8"));
        cases.add(bytes("a byte-order mark pasted into line 15", TASK_PATH,
                Examples.TASK.replace("Related to", "\uFEFFRelated to").getBytes(StandardCharsets.UTF_8), 15,
                "a byte-order mark (U+FEFF) in the middle of the file; was it pasted from another file? Remove it"));
        cases.add(bytes("a file over 256 KiB", TASK_PATH,
                (Examples.TASK + "x".repeat(256 * 1024)).getBytes(StandardCharsets.UTF_8), 1,
                "the file is larger than 256 KiB; protocol files are short markdown documents"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFiles")
    void isRefusedWithItsLineAndWhatWasExpected(String what, String path, byte[] content, int line, String message) {
        FileLocation location = FileLocation.of(Path.of(path)).orElseThrow();

        ParseResult result = switch (FileText.decode(content)) {
            case FileText.Decoded.Text text -> PARSER.parse(text.text(), location);
            case FileText.Decoded.Refused refused -> new ParseResult.Rejected(List.of(refused.problem()));
        };

        assertThat(result).isInstanceOf(ParseResult.Rejected.class);
        assertThat(((ParseResult.Rejected) result).problems()).containsExactly(new Problem(line, message));
    }

    private static Arguments task(String what, String text, int line, String message) {
        return of(what, TASK_PATH, text, line, message);
    }

    private static Arguments of(String what, String path, String text, int line, String message) {
        return bytes(what, path, text.getBytes(StandardCharsets.UTF_8), line, message);
    }

    private static Arguments bytes(String what, String path, byte[] content, int line, String message) {
        return arguments(what, path, content, line, message);
    }

    private static byte[] utf16(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_16LE);
        byte[] withBom = new byte[body.length + 2];
        withBom[0] = (byte) 0xFF;
        withBom[1] = (byte) 0xFE;
        System.arraycopy(body, 0, withBom, 2, body.length);
        return withBom;
    }
}

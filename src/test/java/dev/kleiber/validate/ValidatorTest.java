package dev.kleiber.validate;

import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ValidatorTest {
    @TempDir
    Path dir;

    /** A command runner that answers from a script and remembers what it was asked to run. */
    private static final class ScriptedRunner implements CommandRunner {
        final List<String> ran = new ArrayList<>();

        @Override
        public CheckResult run(CommandCheck command, Path worktree) {
            ran.add(command.name() + ": " + command.run() + " in " + worktree.getFileName());
            boolean fails = command.run().contains("fail");
            return new CheckResult(command.name(), fails ? CheckStatus.FAIL : CheckStatus.PASS, Duration.ofSeconds(3),
                    fails ? "exit code 1" : "exit code 0", fails ? "1 test failed" : "");
        }
    }

    private static void write(Path root, String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private Path project() throws IOException {
        Path root = GitRepos.init(dir.resolve("shop"));
        write(root, "src/components/Button.tsx", "export function Button() { return null; }\n");
        write(root, "src/components/Button.stories.tsx", "export default { title: 'Button' };\n");
        write(root, "src/backend/users.ts", "router.get('/users/:id', show);\n");
        write(root, "tests/integration/users.test.ts", "await request(app).get('/users/1');\n");
        write(root, "coverage/lcov.info", "SF:src/a.ts\nDA:1,1\nDA:2,1\nDA:3,1\nDA:4,1\nDA:5,0\nend_of_record\n");
        write(root, ".gitignore", "coverage/\n");
        return root;
    }

    private static ValidationRequest request(Path root, List<CommandCheck> commands, List<String> branches, List<Path> paths) {
        return new ValidationRequest("feat-001", root, Optional.of("abc1234"), commands, 80, branches, paths);
    }

    @Test
    void aCleanProjectPassesEveryCheck() throws IOException {
        Path root = project();
        ScriptedRunner runner = new ScriptedRunner();
        Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
        ValidationReport report = new Validator(runner, clock).validate(request(root,
                List.of(new CommandCheck("test", "npm test", Duration.ofMinutes(10))), List.of("feature/feat-001-login"), List.of()));
        assertThat(runner.ran).containsExactly("test: npm test in shop");
        assertThat(report.checks()).extracting(CheckResult::name, CheckResult::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("test", CheckStatus.PASS),
                org.assertj.core.groups.Tuple.tuple("naming", CheckStatus.PASS),
                org.assertj.core.groups.Tuple.tuple("storybook", CheckStatus.PASS),
                org.assertj.core.groups.Tuple.tuple("endpoint-tests", CheckStatus.PASS),
                org.assertj.core.groups.Tuple.tuple("coverage", CheckStatus.PASS));
        assertThat(report.passed()).isTrue();
        assertThat(report.checks().get(1).summary()).isEqualTo("no findings in 6 files, 1 branch");
        assertThat(report.checks().get(2).summary()).isEqualTo("1 of 1 component with a story");
        assertThat(report.checks().get(3).summary()).isEqualTo("1 of 1 endpoint with an integration test");
        assertThat(report.checks().get(4).summary()).isEqualTo("line coverage coverage/lcov.info 80.0% (threshold 80%)");
    }

    @Test
    void failuresOfEveryKindAreReportedAndWritten() throws IOException {
        Path root = project();
        write(root, "src/components/user-card.tsx", "export const onClickHandler = () => {};\n");
        write(root, "src/components/Avatar.tsx", "export function Avatar() { return null; }\n");
        write(root, "src/backend/orders.ts", "router.post('/orders', create);\n");
        write(root, "coverage/lcov.info", "SF:src/a.ts\nDA:1,1\nDA:2,0\nend_of_record\n");
        ValidationReport report = new Validator(new ScriptedRunner(), Clock.systemUTC()).validate(request(root,
                List.of(new CommandCheck("types", "tsc --noEmit", Duration.ofMinutes(1)),
                        new CommandCheck("test", "npm test -- fail", Duration.ofMinutes(1))),
                List.of("feature/login", "main"), List.of()));
        assertThat(report.passed()).isFalse();
        assertThat(report.failures()).extracting(CheckResult::name)
                .containsExactly("test", "naming", "storybook", "endpoint-tests", "coverage");
        CheckResult naming = report.checks().get(2);
        assertThat(naming.summary()).isEqualTo("3 findings in 9 files, 1 branch");
        assertThat(naming.output()).contains(
                "refs/heads/feature/login: [branch-name]",
                "src/components/user-card.tsx: [file-component]",
                "src/components/user-card.tsx:1: [fn-handler] handler 'onClickHandler'");
        assertThat(report.checks().get(3).summary()).isEqualTo("1 of 2 components with a story");
        assertThat(report.checks().get(3).output()).contains("src/components/Avatar.tsx: [gate-story]");
        assertThat(report.checks().get(4).output()).contains("src/backend/orders.ts:1: [gate-endpoint-test] endpoint POST /orders");
        assertThat(report.checks().get(5).summary()).isEqualTo("line coverage coverage/lcov.info 50.0% (threshold 80%)");

        Path written = Validator.write(root, report);
        assertThat(written).isEqualTo(root.resolve("reports/feat-001-validation.md"));
        assertThat(Files.readString(written)).isEqualTo(report.toMarkdown()).startsWith("# Validation: feat-001\nResult: failed\n");
        try (var files = Files.list(root.resolve("reports"))) {
            assertThat(files).containsExactly(written);
        }
    }

    @Test
    void aGateSwitchedOffIsSkippedNotCountedAsMet() throws IOException {
        Path root = project();
        write(root, "src/components/Card.tsx", "export function Card() { return null; }\n");
        LintSettings storiesOff = LintSettings.defaults().with(Rule.GATE_STORY, Severity.OFF);
        ValidationReport report = new Validator(new ScriptedRunner(), Clock.systemUTC(), tree -> storiesOff)
                .validate(request(root, List.of(), List.of(), List.of()));
        CheckResult stories = report.checks().get(1);
        assertThat(stories.name()).isEqualTo("storybook");
        assertThat(stories.status()).isEqualTo(CheckStatus.SKIPPED);
        assertThat(stories.summary()).isEqualTo("gate-story is off (lint.rules of .kleiber/kleiber.yaml)");
        assertThat(report.checks().get(2).status()).isEqualTo(CheckStatus.PASS);
    }

    @Test
    void pathsLimitTheNamingAndGateChecksToTheTasksFiles() throws IOException {
        Path root = project();
        write(root, "src/utils/old_helper.ts", "export const x = 1;\n");
        write(root, "src/utils/newHelper.ts", "export const y = 2;\n");
        ValidationReport report = new Validator(new ScriptedRunner(), Clock.systemUTC()).validate(request(root, List.of(),
                List.of(), List.of(Path.of("src/utils/newHelper.ts"), Path.of("src/deleted.ts"))));
        assertThat(report.checks()).extracting(CheckResult::name).containsExactly("naming", "storybook", "endpoint-tests",
                "coverage");
        assertThat(report.checks().get(0).status()).isEqualTo(CheckStatus.PASS);
        assertThat(report.checks().get(0).summary()).isEqualTo("no findings in 1 file, 0 branches");
        assertThat(report.checks().get(1).status()).isEqualTo(CheckStatus.SKIPPED);
        assertThat(report.checks().get(1).summary()).isEqualTo("no components found");
        assertThat(report.checks().get(2).status()).isEqualTo(CheckStatus.SKIPPED);
    }

    @Test
    void missingOrUnreadableCoverage() throws IOException {
        Path root = project();
        Files.delete(root.resolve("coverage/lcov.info"));
        ValidationReport none = new Validator(new ScriptedRunner(), Clock.systemUTC())
                .validate(request(root, List.of(), List.of(), List.of()));
        assertThat(none.checks().get(3).status()).isEqualTo(CheckStatus.SKIPPED);
        assertThat(none.checks().get(3).summary()).startsWith("no coverage report found (looked for coverage/lcov.info, ");

        write(root, "target/site/jacoco/jacoco.xml", "<!DOCTYPE report [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><report>&x;</report>");
        ValidationReport bad = new Validator(new ScriptedRunner(), Clock.systemUTC())
                .validate(request(root, List.of(), List.of(), List.of()));
        CheckResult coverage = bad.checks().get(3);
        assertThat(coverage.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(coverage.summary()).isEqualTo("line coverage target/site/jacoco/jacoco.xml unreadable (threshold 80%)");
        assertThat(coverage.output()).startsWith("target/site/jacoco/jacoco.xml line 1: unreadable coverage XML")
                .doesNotContain("root:");
    }
}

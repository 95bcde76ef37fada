package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PlanCheckCommandTest {
    @TempDir
    Path dir;

    @Test
    void aValidPlanPrintsItsOrderAndCriticalPath() throws IOException {
        Files.copy(Path.of("examples/plan.yaml"), dir.resolve("plan.yaml"));

        Cli.Result result = new Cli(dir).run("plan", "check", "plan.yaml", "--workers", "3");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("plan.yaml: 6 tasks, valid.")
                .containsPattern("1 +kyc-design +architect +p0 +opus +5 +-")
                .containsPattern("4 +kyc-types +engineer-frontend +p2 +haiku +2 +kyc-api-filter")
                .contains("Critical path (5 tasks): kyc-design → kyc-column → kyc-api-filter → kyc-types → "
                        + "kyc-dashboard-filter")
                .contains("5 steps on 3 workers; no schedule needs fewer than 5.");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void jsonIsOneDocument() throws IOException {
        Files.copy(Path.of("examples/plan.yaml"), dir.resolve("plan.yaml"));

        Cli.Result result = new Cli(dir).run("plan", "check", "plan.yaml", "--workers", "1", "--json");

        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json.path("steps").asInt()).isEqualTo(6);
        assertThat(json.path("tasks")).hasSize(6);
        assertThat(json.at("/tasks/0/branch").asText()).isEqualTo("feature/kyc-design-design-the-kyc-status-model");
        assertThat(json.path("criticalPath")).hasSize(5);
    }

    @Test
    void everyProblemIsPrintedWithFileAndLineAndExitIsTwo() throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), """
                tasks:
                  - id: a
                    title: A
                    agent: wizard
                    description: Do it.
                    acceptance: [Works]
                    depends_on: [b]
                  - id: b
                    title: B
                    agent: scribe
                    description: Do it.
                    acceptance: [Works]
                    depends_on: [a]
                    priority: p9
                """);

        Cli.Result result = new Cli(dir).run("plan", "check", "bad.yaml");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines()).containsExactly(
                "bad.yaml line 4: agent 'wizard' is not a known role; expected one of architect, conductor, "
                        + "engineer-backend, engineer-frontend, scribe, validator",
                "bad.yaml line 7: dependency cycle: a → b → a (each depends on the next)",
                "bad.yaml line 14: priority must be one of p0, p1, p2; found 'p9'",
                "kleiber: bad.yaml is not a valid plan: 3 problems");
    }

    @Test
    void insideAProjectItsOwnRolesApply() throws IOException {
        Path repo = GitRepos.init(dir.resolve("repo"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        Path agent = repo.resolve(".kleiber/agents/engineer-mobile.md");
        Files.writeString(agent, """
                ---
                name: engineer-mobile
                description: Builds the mobile app.
                write: [app/**]
                ---
                You build the mobile app.
                """);
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: app-login
                    title: Login screen
                    agent: engineer-mobile
                    description: Build it.
                    acceptance: [It shows]
                """);

        Cli.Result result = new Cli(repo).run("plan", "check", "plan.yaml");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("on 3 workers").containsPattern("1 +app-login +engineer-mobile");
    }

    @Test
    void aTaskIdAnEarlierRunMergedIsNamedWithThatRun() throws IOException {
        Path repo = GitRepos.init(dir.resolve("reused"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        try (dev.kleiber.store.Store store = dev.kleiber.store.Store.open(
                dev.kleiber.store.StoreUrl.defaultFor(repo), java.time.Clock.systemUTC())) {
            store.merges().intend("run-20261201-101500", "add-sum", 2, "0".repeat(40));
            store.merges().done("run-20261201-101500", "add-sum", "abcdef0123456789abcdef0123456789abcdef01");
        }
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: add-sum
                    title: Add sum
                    agent: engineer-backend
                    description: Build it.
                    acceptance: [It sums]
                  - id: add-max
                    title: Add max
                    agent: engineer-backend
                    description: Build it.
                    acceptance: [It finds the max]
                """);

        Cli.Result result = new Cli(repo).run("plan", "check", "plan.yaml");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("Note: task id 'add-sum' was already merged by run run-20261201-101500 as abcdef012345")
                .doesNotContain("'add-max' was already merged");
    }

    @Test
    void aMissingFileOrBadUsageIsBadInput() {
        Cli.Result missing = new Cli(dir).run("plan", "check", "nope.yaml");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("kleiber: nope.yaml: no such file\n");

        assertThat(new Cli(dir).run("plan").exitCode()).isEqualTo(2);
        assertThat(new Cli(dir).run("plan", "check", "--help").out()).contains("Usage: kleiber plan check");
        assertThat(new Cli(dir).run("plan", "check").exitCode()).isEqualTo(2);
        assertThat(new Cli(dir).run("plan", "check", "x.yaml", "--workers", "0").err())
                .contains("--workers must be at least 1");
    }

    @Test
    void aTaskOutsideItsAgentsWriteGlobsIsRefusedAndJsonSaysWhy() throws IOException {
        Path repo = GitRepos.init(dir.resolve("api"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: users-route
                    title: Add the users route
                    agent: engineer-backend
                    description: A route beside the others.
                    acceptance: []
                    files: [src/app/routes/users.ts]
                """);

        Cli.Result text = new Cli(repo).run("plan", "check", "plan.yaml");
        assertThat(text.exitCode()).isEqualTo(2);
        assertThat(text.err()).contains("plan.yaml line 6: 'acceptance' needs at least one criterion")
                .contains("plan.yaml line 7: file 'src/app/routes/users.ts' is outside what engineer-backend may write "
                        + "(src/backend/**, src/services/**, src/db/**, tests/integration/**): give the task to a role "
                        + "that may write it, or add 'src/app/routes/**' to layout.write.engineer-backend");

        Cli.Result json = new Cli(repo).run("plan", "check", "plan.yaml", "--json");
        assertThat(json.exitCode()).isEqualTo(2);
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(doc.path("valid").asBoolean(true)).isFalse();
        assertThat(doc.at("/problems/0/line").asInt()).isEqualTo(6);
        assertThat(doc.at("/problems/1/message").asText()).startsWith("file 'src/app/routes/users.ts' is outside");

        // the layout in kleiber.yaml gives the role the folder: the plan fits
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        Files.writeString(config, Files.readString(config)
                + "layout:\n  write:\n    engineer-backend: [\"src/app/**\", \"tests/**\"]\n");
        Files.writeString(repo.resolve("plan.yaml"), Files.readString(repo.resolve("plan.yaml"))
                .replace("acceptance: []", "acceptance: [GET /users answers]"));
        Cli.Result fits = new Cli(repo).run("plan", "check", "plan.yaml");
        assertThat(fits.exitCode()).as(fits.err()).isZero();

        Cli.Result missing = new Cli(repo).run("plan", "check", "nope.yaml", "--json");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(new ObjectMapper().readTree(missing.out()).path("error").asText()).isEqualTo("nope.yaml: no such file");
    }
}

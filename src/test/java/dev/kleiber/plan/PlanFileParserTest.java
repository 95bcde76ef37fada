package dev.kleiber.plan;

import dev.kleiber.config.RunnerSettings;

import dev.kleiber.protocol.Priority;
import dev.kleiber.KleiberException;
import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanFileParserTest {
    private final PlanFileParser parser = new PlanFileParser(new SafeYaml(), Set.copyOf(Roles.BLUEPRINT));

    @Test
    void readsEveryFieldOfATask() {
        Plan plan = parser.parse("""
                tasks:
                  - id: feat-001
                    title: Add KYC status column
                    agent: engineer-backend
                    description: |
                      Add the column.
                      With a migration.
                    acceptance:
                      - Migration adds it
                      - Rows default to pending
                    depends_on: [design]
                    priority: p0
                    model: Sonnet
                    context: See docs/architecture/kyc.md
                    constraints: [Do not drop columns, Do not touch src/frontend]
                    files: [src/db/migrations/0003_kyc.sql]
                  - id: design
                    title: Design it
                    agent: architect
                    description: Decide the states.
                    acceptance: The states are written down
                """, "plan.yaml");

        assertThat(plan.tasks()).hasSize(2);
        PlannedTask task = plan.task("feat-001").orElseThrow();
        assertThat(task.title()).isEqualTo("Add KYC status column");
        assertThat(task.agent()).isEqualTo("engineer-backend");
        assertThat(task.description()).isEqualTo("Add the column.\nWith a migration.");
        assertThat(task.acceptance()).containsExactly("Migration adds it", "Rows default to pending");
        assertThat(task.dependsOn()).containsExactly("design");
        assertThat(task.priority()).isEqualTo(Priority.P0);
        assertThat(task.model()).contains(Tier.SONNET);
        assertThat(task.context()).contains("See docs/architecture/kyc.md");
        assertThat(task.constraints()).contains("- Do not drop columns\n- Do not touch src/frontend");
        assertThat(task.files()).containsExactly("src/db/migrations/0003_kyc.sql");
        assertThat(task.featureBranch()).isEqualTo("feature/feat-001-add-kyc-status-column");

        PlannedTask design = plan.task("design").orElseThrow();
        assertThat(design.priority()).as("the default priority").isEqualTo(Priority.P1);
        assertThat(design.acceptance()).containsExactly("The states are written down");
        assertThat(design.dependsOn()).isEmpty();
        assertThat(design.model()).isEmpty();
        assertThat(design.context()).isEmpty();
    }

    @Test
    void aTaskMayNameItsRunnerAndAnUnknownOneIsReportedWithItsLine() {
        Plan plan = parser.parse("""
                tasks:
                  - {id: a, title: A, agent: engineer-backend, description: Do a., acceptance: [done], runner: claude-code}
                  - {id: b, title: B, agent: engineer-backend, description: Do b., acceptance: [done]}
                """, "plan.yaml");
        assertThat(plan.task("a").orElseThrow().runner()).contains(RunnerSettings.Runner.CLAUDE_CODE);
        assertThat(plan.task("b").orElseThrow().runner()).as("the role's runner: applies").isEmpty();
        assertThat(new PlanFileParser(new SafeYaml(), Set.copyOf(Roles.BLUEPRINT)).parse(new PlanFileWriter().write(plan),
                "written").task("a").orElseThrow().runner()).as("written and read back").contains(RunnerSettings.Runner.CLAUDE_CODE);

        assertThatThrownBy(() -> parser.parse("""
                tasks:
                  - id: a
                    title: A
                    agent: engineer-backend
                    description: Do a.
                    acceptance: [done]
                    runner: codex
                """, "plan.yaml")).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("plan.yaml line 7").hasMessageContaining("runner must be one of kleiber, claude-code; found 'codex'");
    }

    @Test
    void theCommittedExampleIsValid() throws IOException {
        Plan plan = parser.parse(Files.readString(Path.of("examples/plan.yaml")), "examples/plan.yaml");

        assertThat(plan.tasks()).extracting(PlannedTask::id).containsExactly("kyc-design", "kyc-column",
                "kyc-api-filter", "kyc-types", "kyc-dashboard-filter", "kyc-docs");
    }

    @Test
    void anUnknownAgentIsReportedWithItsLineAndTheKnownRoles() {
        assertThat(problems("""
                tasks:
                  - id: a
                    title: A
                    agent: engineer-fullstack
                    description: Do it.
                    acceptance: [Done]
                """)).containsExactly("plan.yaml line 4: agent 'engineer-fullstack' is not a known role; expected "
                + "one of architect, conductor, engineer-backend, engineer-frontend, scribe, validator");
    }

    @Test
    void theKnownRolesAreAParameter() {
        PlanFileParser custom = new PlanFileParser(new SafeYaml(), Set.of("engineer-mobile"));

        assertThat(custom.parse(("tasks:\n" + task("a", "[]")).replace("engineer-backend", "engineer-mobile"), "p.yaml")
                .tasks()).hasSize(1);
        assertThatThrownBy(() -> custom.parse("tasks:\n" + task("a", "[]"), "p.yaml"))
                .hasMessageContaining("expected one of engineer-mobile");
    }

    @Test
    void aCycleIsNamedInOrderAtTheDependencyThatClosesIt() {
        String text = "tasks:\n" + task("a", "[b]") + task("b", "[c]") + task("c", "[a]") + task("d", "[a]");

        assertThat(problems(text)).containsExactly(
                "plan.yaml line 7: dependency cycle: a → b → c → a (each depends on the next)");
    }

    @Test
    void twoCyclesAreBothReportedAndASelfDependencyToo() {
        String text = "tasks:\n" + task("a", "[b]") + task("b", "[a]") + task("c", "[d]") + task("d", "[c]")
                + task("e", "[e]");

        assertThat(problems(text)).containsExactly(
                "plan.yaml line 7: dependency cycle: a → b → a (each depends on the next)",
                "plan.yaml line 19: dependency cycle: c → d → c (each depends on the next)",
                "plan.yaml line 31: task 'e' depends on itself");
    }

    @Test
    void aMissingDependencyIsReportedAtItsLineWithAHint() {
        String text = "tasks:\n" + task("auth-login", "[]") + task("auth-form", "[auth-logn, nothing-like-it]");

        assertThat(problems(text)).containsExactly(
                "plan.yaml line 13: depends_on 'auth-logn' is not a task in this plan (did you mean 'auth-login'?)",
                "plan.yaml line 13: depends_on 'nothing-like-it' is not a task in this plan");
    }

    @Test
    void aDuplicateIdIsReportedAtBothLines() {
        String text = "tasks:\n" + task("a", "[]") + task("b", "[]") + task("a", "[]");

        assertThat(problems(text)).containsExactly(
                "plan.yaml line 2: id 'a' is used again at line 14",
                "plan.yaml line 14: duplicate id 'a' (first at line 2)");
    }

    @Test
    void badFieldValuesAreAllReportedInLineOrder() {
        assertThat(problems("""
                tasks:
                  - id: Feat_1
                    title: |
                      Two
                      lines
                    agent: scribe
                    description: "  "
                    acceptance: []
                    priority: urgent
                    model: gpt-4
                    files: [../outside.txt, /etc/passwd, ok/file.md]
                    estimate: 3
                """)).containsExactly(
                "plan.yaml line 2: id 'Feat_1' must be " + TaskIds.RULE,
                "plan.yaml line 3: title must be one non-empty line",
                "plan.yaml line 7: 'description' is required and must not be empty",
                "plan.yaml line 8: 'acceptance' needs at least one criterion (a list of single-line texts)",
                "plan.yaml line 9: priority must be one of p0, p1, p2; found 'urgent'",
                "plan.yaml line 10: model must be one of opus, sonnet, haiku; found 'gpt-4'",
                "plan.yaml line 11: each file must be a path relative to the repository root, with '/' and without "
                        + "'..'; found '../outside.txt'",
                "plan.yaml line 11: each file must be a path relative to the repository root, with '/' and without "
                        + "'..'; found '/etc/passwd'",
                "plan.yaml line 12: unknown key 'estimate'; expected one of acceptance, agent, constraints, context, "
                        + "depends_on, description, files, id, model, priority, risk, runner, title");
    }

    @Test
    void missingRequiredKeysAreNamedAtTheTask() {
        assertThat(problems("""
                tasks:
                  - id: a
                    agent: scribe
                """)).containsExactly(
                "plan.yaml line 2: 'title' is required and must not be empty",
                "plan.yaml line 2: 'description' is required and must not be empty",
                "plan.yaml line 2: 'acceptance' needs at least one criterion (a list of single-line texts)");
    }

    @Test
    void theShapeOfTheFileIsChecked() {
        assertThat(problems("tasks: []\n")).containsExactly("plan.yaml line 1: 'tasks' is empty; a plan needs at least one task");
        assertThat(problems("steps: []\n")).containsExactly(
                "plan.yaml line 1: unknown key 'steps'; a plan file has only 'tasks'",
                "plan.yaml line 1: 'tasks' is required: a list of tasks with acceptance, agent, constraints, "
                        + "context, depends_on, description, files, id, model, priority, risk, runner, title");
        assertThat(problems("tasks:\n  - just a line\n")).singleElement().asString()
                .startsWith("plan.yaml line 2: each task must be a mapping with");
        assertThat(problems("- a\n")).singleElement().asString()
                .isEqualTo("plan.yaml line 1: a plan file must be a mapping with a 'tasks:' list; found a list");
        assertThat(problems("""
                tasks:
                  - id: a
                    title: [not, a, text]
                    agent: scribe
                    description: d
                    acceptance: [{nested: map}]
                """)).containsExactly(
                "plan.yaml line 3: 'title' must be a text; found a list",
                "plan.yaml line 6: each item of 'acceptance' must be a text; found a mapping");
    }

    @Test
    void yamlThatIsNotPlainDataIsRefusedWithItsLine() {
        assertThatThrownBy(() -> parser.parse("tasks:\n  - id: !custom a\n", "plan.yaml"))
                .isInstanceOf(KleiberException.class).hasMessage("plan.yaml line 2: tags (!custom) are not allowed");
        assertThatThrownBy(() -> parser.parse("tasks: [\n", "plan.yaml"))
                .isInstanceOf(KleiberException.class).hasMessageStartingWith("plan.yaml line 2: not valid YAML: expected the node content");
    }

    @Test
    void theErrorIsBadInput() {
        assertThatThrownBy(() -> parser.parse("tasks: []", "plan.yaml"))
                .isInstanceOfSatisfying(InvalidPlanException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(KleiberException.BAD_INPUT);
                    assertThat(e.getMessage()).isEqualTo("plan.yaml line 1: 'tasks' is empty; a plan needs at least one task");
                });
    }

    @Test
    void theGraphOfAParsedPlanFollowsItsDependencies() {
        Plan plan = parser.parse("tasks:\n" + task("c", "[b]") + task("b", "[a]") + task("a", "[]"), "plan.yaml");

        assertThat(TaskGraph.of(plan).topologicalOrder()).containsExactly("a", "b", "c");
        assertThat(plan.tasks()).extracting(PlannedTask::model).containsOnly(Optional.empty());
        assertThat(plan.tasks()).extracting(PlannedTask::files).containsOnly(List.of());
    }

    /** Six lines: the id is on the first, depends_on on the sixth. */
    private static String task(String id, String dependsOn) {
        return "  - id: " + id + "\n"
                + "    title: Task " + id + "\n"
                + "    agent: engineer-backend\n"
                + "    description: Do " + id + ".\n"
                + "    acceptance: [It works]\n"
                + "    depends_on: " + dependsOn + "\n";
    }

    private List<String> problems(String text) {
        try {
            parser.parse(text, "plan.yaml");
        } catch (InvalidPlanException e) {
            return e.problems().stream().map(PlanProblem::toString).toList();
        }
        throw new AssertionError("the plan was accepted");
    }

    @Test
    void aTaskWhoseFilesItsAgentMayNotWriteIsRefusedNamingTheGlobNeeded() {
        RoleScopes scopes = new RoleScopes(Set.copyOf(Roles.BLUEPRINT), java.util.Map.of("engineer-backend",
                List.of(dev.kleiber.agent.Glob.path("src/backend/**"), dev.kleiber.agent.Glob.path("tests/integration/**"))));
        PlanFileParser checked = new PlanFileParser(new SafeYaml(), scopes);
        String plan = """
                tasks:
                  - id: users-route
                    title: Add the users route
                    agent: engineer-backend
                    description: A route.
                    acceptance: [GET /users answers]
                    files: [src/backend/users.ts, tests/integration/, src/app/routes/users.ts, prisma/]
                """;
        assertThatThrownBy(() -> checked.parse(plan, "plan.yaml")).isInstanceOfSatisfying(InvalidPlanException.class,
                e -> assertThat(e.problems()).extracting(PlanProblem::toString).containsExactly(
                        "plan.yaml line 7: file 'src/app/routes/users.ts' is outside what engineer-backend may write "
                                + "(src/backend/**, tests/integration/**): give the task to a role that may write it, "
                                + "or add 'src/app/routes/**' to layout.write.engineer-backend in .kleiber/kleiber.yaml",
                        "plan.yaml line 7: file 'prisma/' is outside what engineer-backend may write "
                                + "(src/backend/**, tests/integration/**): give the task to a role that may write it, "
                                + "or add 'prisma/**' to layout.write.engineer-backend in .kleiber/kleiber.yaml"));
        // a role whose globs are unknown is not checked
        assertThat(checked.parse(plan.replace("engineer-backend", "engineer-frontend"), "plan.yaml").tasks()).hasSize(1);
    }
}

package dev.kleiber.cli;

import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.routing.Roles;
import dev.kleiber.testutil.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `kleiber init` on repositories in the shapes of real ones: what it finds, writes, and what then follows. */
class InitDetectionTest {
    @TempDir
    Path tmp;

    private static ProjectConfig init(Path repo) {
        Cli.Result result = new Cli(repo).run("init");
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        return ProjectConfig.load(new ProjectLayout(repo));
    }

    @Test
    void anExpressPrismaApiOnMasterGetsItsFoldersBranchAndCommands() throws IOException {
        Path repo = Fixtures.expressPrismaApi(tmp.resolve("api"));
        Cli.Result result = new Cli(repo).run("init");
        assertThat(result.out()).contains("main branch     master").contains("express routes  src/app/**")
                .contains("database        prisma/** (prisma)");
        ProjectConfig project = ProjectConfig.load(new ProjectLayout(repo));
        assertThat(project.settings().layout().mainBranch()).isEqualTo("master");
        assertThat(project.agent(Roles.ENGINEER_BACKEND).orElseThrow().write())
                .containsExactly("src/**", "prisma/**", "tests/**");
        assertThat(project.settings().validate().commands()).extracting(c -> c.name() + ": " + c.run())
                .containsExactly("test: npm run test", "lint: npm run lint");
        assertThat(project.settings().layout().lint().endpoints()).extracting(Object::toString).containsExactly("src/app/**");
        assertThat(Files.readString(repo.resolve(".kleiber/agents/engineer-backend.md")))
                .contains("write: [\"src/**\", \"prisma/**\", \"tests/**\"]").contains("## This repository");

        // lint now sees the routes outside src/backend, and no Prisma migration fails it
        Fixtures.commit(repo, "kleiber init");
        Cli.Result lint = new Cli(repo).run("lint");
        assertThat(lint.out()).contains("src/app/index.ts:3: [gate-endpoint-test] endpoint GET /health has no "
                + "integration test (no file under tests/ mentions /health)").doesNotContain("prisma/");
        assertThat(lint.out().lines().filter(l -> l.contains("[gate-endpoint-test]"))).hasSize(1);

        // a plan placing backend work in src/app fits the role now
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - {id: tags, title: Tags route, agent: engineer-backend, description: Add it.,
                     acceptance: [GET /tags answers], files: [src/app/routes/tags.ts, tests/tags.test.ts]}
                  - {id: tag-ui, title: Tag list, agent: engineer-frontend, description: Show tags.,
                     acceptance: [Tags shown], files: [src/app/routes/tags.tsx]}
                """);
        Cli.Result check = new Cli(repo).run("plan", "check", "plan.yaml");
        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.err()).contains("file 'src/app/routes/tags.tsx' is outside what engineer-frontend may write")
                .doesNotContain("'src/app/routes/tags.ts'");
    }

    @Test
    void aTurborepoMonorepoGetsOneFolderPerPackageAndTheLinterJudgesItsComponents() throws IOException {
        Path repo = Fixtures.turborepo(tmp.resolve("acme"));
        ProjectConfig project = init(repo);
        assertThat(project.agent(Roles.ENGINEER_FRONTEND).orElseThrow().write())
                .containsExactly("apps/web/**", "packages/ui/**");
        assertThat(project.agent(Roles.ENGINEER_BACKEND).orElseThrow().write()).containsExactly("apps/api/**");
        assertThat(project.settings().validate().commands()).extracting(c -> c.name() + ": " + c.run())
                .containsExactly("test: pnpm exec turbo run test", "lint: pnpm run lint", "typecheck: pnpm run check-types");
        assertThat(project.settings().layout().lint().endpoints()).extracting(Object::toString)
                .containsExactly("apps/api/src/routes/**");

        Cli.Result lint = new Cli(repo).run("lint");
        assertThat(lint.out()).contains("packages/ui/src/components/date-picker.tsx: [file-component]")
                .contains("apps/web/src/components/Header.tsx: [gate-story]")
                .doesNotContain("arrow-left");
    }

    @Test
    void anNxWorkspaceRunsItsTestsThroughNx() throws IOException {
        Path repo = Fixtures.nxWorkspace(tmp.resolve("org"));
        ProjectConfig project = init(repo);
        assertThat(project.settings().validate().commands()).extracting(c -> c.name() + ": " + c.run())
                .containsExactly("test: npm exec nx run-many -t test");
        assertThat(project.agent(Roles.ENGINEER_FRONTEND).orElseThrow().write())
                .containsExactly("apps/shop/**", "libs/products/**");
    }

    @Test
    void aSpringServiceGetsJavaFoldersAndPromptsThatSayWhatDoesNotApply() throws IOException {
        Path repo = Fixtures.springMaven(tmp.resolve("orders"));
        ProjectConfig project = init(repo);
        assertThat(project.agent(Roles.ENGINEER_BACKEND).orElseThrow().write())
                .containsExactly("core/src/**", "web/src/**");
        assertThat(project.settings().validate().commands()).extracting(c -> c.run()).containsExactly("./mvnw -B -o verify");
        assertThat(project.agent(Roles.ENGINEER_BACKEND).orElseThrow().prompt())
                .contains("Stack: Java / Spring (Maven or Gradle).").contains("there are no Express routes");
        assertThat(project.agent(Roles.ARCHITECT).orElseThrow().prompt()).contains("Endpoints are Spring controllers");
    }

    @Test
    void aViteAppIsAllFrontEndAndReRunningInitKeepsTheUsersEdits() throws IOException {
        Path repo = Fixtures.viteVitest(tmp.resolve("vite"));
        ProjectConfig project = init(repo);
        assertThat(project.agent(Roles.ENGINEER_FRONTEND).orElseThrow().write()).containsExactly("src/**");
        assertThat(project.settings().validate().commands()).extracting(c -> c.run())
                .containsExactly("npm run test", "npm run typecheck");

        Path config = repo.resolve(".kleiber/kleiber.yaml");
        String edited = Files.readString(config).replace("coverage_min: 80", "coverage_min: 60");
        Files.writeString(config, edited);
        Cli.Result again = new Cli(repo).run("init");
        assertThat(Files.readString(config)).isEqualTo(edited);
        assertThat(again.out()).contains("Your .kleiber/kleiber.yaml was left as it is. What Kleiber would set")
                .contains("engineer-frontend: [\"src/**\"]");
    }

    @Test
    void aRepositoryInTheBlueprintsLayoutKeepsTheBlueprintsDefaults() throws IOException {
        Path repo = dev.kleiber.testutil.GitRepos.init(tmp.resolve("shop"));
        Fixtures.write(repo, "src/backend/server.ts", "import express from 'express';\nconst app = express();\n"
                + "app.get('/x', ok);\n");
        Fixtures.write(repo, "src/frontend/App.tsx", "export const App = () => null;\n");
        ProjectConfig project = init(repo);
        assertThat(project.settings().layout().write()).isEmpty();
        assertThat(project.agent(Roles.ENGINEER_BACKEND).orElseThrow().write())
                .isEqualTo(List.of("src/backend/**", "src/services/**", "src/db/**", "tests/integration/**"));
    }
}

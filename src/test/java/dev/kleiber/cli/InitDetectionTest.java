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

    /**
     * The shape of a real Express + Prisma API (an Nx project): its server in src/main.ts, routes under src/app/routes,
     * unit tests in src/tests and an e2e suite calling the API over HTTP. src/app is no front end here, and the e2e
     * suite is where its endpoints are tested.
     */
    @Test
    void anApiWithSrcAppAndAnE2eSuiteHasNoFrontEndAndItsE2eTestsCoverEndpoints() throws IOException {
        Path repo = dev.kleiber.testutil.GitRepos.init(tmp.resolve("conduit"));
        Fixtures.write(repo, "package.json", """
                {"name": "api", "scripts": {"test": "nx test"}, "dependencies": {"express": "^4", "@prisma/client": "^5"},
                 "devDependencies": {"nx": "^17", "axios": "^1"}}
                """);
        Fixtures.write(repo, "nx.json", "{}\n");
        Fixtures.write(repo, "src/main.ts", "import express from 'express';\nconst app = express();\n"
                + "app.get('/', (req, res) => res.send({ message: 'Hello API' }));\n");
        Fixtures.write(repo, "src/app/routes/tag/tag.controller.ts", "import { Router } from 'express';\n"
                + "const router = Router();\nrouter.get('/tags', listTags);\nexport default router;\n");
        Fixtures.write(repo, "src/tests/services/tag.service.test.ts", "test('lists tags', () => {});\n");
        Fixtures.write(repo, "e2e/src/server/server.spec.ts", "describe('GET /', () => {\n"
                + "  it('answers', async () => { const res = await axios.get(`/`); });\n});\n");
        Fixtures.commit(repo, "an API");

        Cli.Result result = new Cli(repo).run("init");

        assertThat(result.out()).contains("front end       -\n");
        ProjectConfig project = ProjectConfig.load(new ProjectLayout(repo));
        assertThat(project.settings().layout().writeOf(Roles.ENGINEER_FRONTEND)).isEmpty();
        assertThat(project.settings().layout().writeOf(Roles.ENGINEER_BACKEND)).contains(List.of("src/**", "e2e/**"));
        assertThat(project.settings().layout().lint().integrationTests()).extracting(Object::toString)
                .contains("e2e/**");
        Fixtures.commit(repo, "kleiber init");
        Cli.Result lint = new Cli(repo).run("lint");
        assertThat(lint.out()).contains("endpoint GET /tags has no integration test").doesNotContain("endpoint GET / has");
    }

    /**
     * The shapes of a real pnpm monorepo (a Remix app serving through Hono, a tRPC package, shared code with neither
     * a UI nor a server library) and of a single-package Next.js app whose pnpm-workspace.yaml says {@code '**'} and
     * lists packages allowed to build: every package is writable by the roles whose code it holds, and a repository
     * without Storybook does not demand stories.
     */
    @Test
    void fullStackAndSharedPackagesAreWritableAndPnpmsOtherListsAreNoWorkspaces() throws IOException {
        Path repo = dev.kleiber.testutil.GitRepos.init(tmp.resolve("docs"));
        Fixtures.write(repo, "package.json", "{\"name\": \"root\", \"private\": true, \"workspaces\": [\"apps/*\", \"packages/*\"],"
                + " \"devDependencies\": {\"turbo\": \"^2\"}}\n");
        Fixtures.write(repo, "turbo.json", "{}\n");
        Fixtures.write(repo, "apps/remix/package.json", "{\"dependencies\": {\"react\": \"^18\", \"hono\": \"^4\"}}\n");
        Fixtures.write(repo, "apps/remix/app/components/general/app-banner.tsx", "export const AppBanner = () => null;\n");
        Fixtures.write(repo, "packages/trpc/package.json", "{\"dependencies\": {\"@trpc/server\": \"^11\"}}\n");
        Fixtures.write(repo, "packages/trpc/server/router.ts", "export const router = {};\n");
        Fixtures.write(repo, "packages/signing/package.json", "{\"dependencies\": {\"zod\": \"^3\"}}\n");
        Fixtures.write(repo, "packages/signing/index.ts", "export const sign = () => 1;\n");
        Fixtures.write(repo, "packages/ui/package.json", "{\"dependencies\": {\"react\": \"^18\"}}\n");
        Fixtures.write(repo, "packages/ui/components/button.tsx", "export const Button = () => null;\n");
        Fixtures.commit(repo, "a monorepo");

        ProjectConfig project = init(repo);

        assertThat(project.settings().layout().writeOf(Roles.ENGINEER_FRONTEND).orElseThrow())
                .contains("apps/remix/**", "packages/signing/**", "packages/ui/**").doesNotContain("packages/trpc/**");
        assertThat(project.settings().layout().writeOf(Roles.ENGINEER_BACKEND).orElseThrow())
                .contains("apps/remix/**", "packages/signing/**", "packages/trpc/**").doesNotContain("packages/ui/**");
        assertThat(project.settings().layout().lint().severity(dev.kleiber.validate.Rule.GATE_STORY))
                .isEqualTo(dev.kleiber.validate.Severity.OFF);

        Path next = dev.kleiber.testutil.GitRepos.init(tmp.resolve("next"));
        Fixtures.write(next, "package.json", "{\"name\": \"app\", \"dependencies\": {\"next\": \"^15\", \"react\": \"^19\"}}\n");
        Fixtures.write(next, "pnpm-workspace.yaml", "packages:\n  - '**'\nonlyBuiltDependencies:\n  - prisma\n  - sharp\n");
        Fixtures.write(next, "pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
        Fixtures.write(next, "src/components/Chart.tsx", "export const Chart = () => null;\n");
        Fixtures.write(next, "db/clickhouse/schema.sql", "CREATE TABLE events (id UUID);\n");
        Fixtures.write(next, "src/app/api/websites/route.ts", "export async function GET() { return Response.json([]); }\n");
        Fixtures.commit(next, "a Next.js app");

        Cli.Result result = new Cli(next).run("init");

        assertThat(result.out()).doesNotContain("workspaces").contains("front end       src/**")
                .contains("back end        src/app/api/**");
        assertThat(ProjectConfig.load(new ProjectLayout(next)).settings().layout().writeOf(Roles.ENGINEER_BACKEND))
                .contains(List.of("src/app/api/**", "db/**"));
        assertThat(new Cli(next).run("lint").out()).doesNotContain("[gate-story]");
    }
}

package dev.kleiber.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code kleiber init} found in a repository: its main branch, how it builds, and where each kind of code
 * lives. Folders are repository-relative globs ending in {@code /**}.
 *
 * @param packageManager npm, pnpm, yarn, bun, maven, gradle, python, or none
 * @param workspaces     the workspace packages or build modules, as folders ({@code apps/web}, {@code core})
 * @param monorepoTool   turborepo or nx, when one drives the workspaces
 * @param frontend       where front-end code lives
 * @param backend        where back-end code lives
 * @param database       schema and migrations
 * @param tests          test folders
 * @param components     component folders (for the component rules and the story gate)
 * @param routes         folders holding Express routes (for the endpoint gate)
 * @param commands       validation commands by name (test, lint, typecheck)
 * @param migrationTool  prisma, drizzle, knex, typeorm, sequelize, flyway, liquibase, alembic or django
 * @param generated      folders of generated code, never linted
 * @param storybook      whether the repository uses Storybook (a {@code .storybook} folder, a story file or an
 *                       {@code @storybook/*} dependency): without it the story gate does not apply
 */
public record RepositoryFacts(String mainBranch, String packageManager, List<String> workspaces,
                              Optional<String> monorepoTool, Stack stack, List<String> frontend, List<String> backend,
                              List<String> database, List<String> tests, List<String> components, List<String> routes,
                              Map<String, String> commands, Optional<String> migrationTool, List<String> generated,
                              boolean storybook) {
    public RepositoryFacts {
        workspaces = List.copyOf(workspaces);
        frontend = List.copyOf(frontend);
        backend = List.copyOf(backend);
        database = List.copyOf(database);
        tests = List.copyOf(tests);
        components = List.copyOf(components);
        routes = List.copyOf(routes);
        commands = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(commands));
        generated = List.copyOf(generated);
    }

    /** Whether the repository has the blueprint's own layout, so that the blueprint's defaults fit unchanged. */
    public boolean blueprintLayout() {
        return java.util.stream.Stream.concat(backend.stream(), frontend.stream()).anyMatch(folder -> List.of(
                "src/backend/**", "src/services/**", "src/frontend/**", "src/components/**").contains(folder));
    }
}

package dev.kleiber.validate;

/** The conventions Kleiber checks by itself; {@link #id()} is what a finding prints in brackets. */
public enum Rule {
    FILE_COMPONENT("file-component", "components in component folders are PascalCase.tsx"),
    FILE_UTILITY("file-utility", "utilities under src/ are camelCase.ts"),
    FILE_TEST("file-test", "tests are named *.test.ts or *.spec.ts (or .tsx/.js/.jsx)"),
    FILE_TYPES("file-types", "shared types are named *.types.ts"),
    FN_HANDLER("fn-handler", "handlers are named handle{Event}"),
    FN_FETCHER("fn-fetcher", "fetchers are named fetch{Resource}"),
    FN_VALIDATOR("fn-validator", "validators are named validate{Thing}"),
    FN_TRANSFORMER("fn-transformer", "transformers are named {from}To{To}"),
    BRANCH_NAME("branch-name", "branches are feature/{task-id}-{short-description}, fix/{task-id}-{short-description} or agent/{agent-name}"),
    SQL_TABLE("sql-table", "tables are snake_case plural"),
    SQL_COLUMN("sql-column", "columns are snake_case"),
    SQL_INDEX("sql-index", "indexes are named idx_{table}_{columns}"),
    GATE_STORY("gate-story", "every component has a Storybook story beside it"),
    GATE_ENDPOINT_TEST("gate-endpoint-test", "every API endpoint has an integration test under tests/integration/");

    private final String id;
    private final String description;

    Rule(String id, String description) {
        this.id = id;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }
}

package dev.kleiber.config;

/**
 * The kind of code a repository holds, as far as the roles' prompts care: the blueprint's own stack (Express and
 * React in TypeScript) or another one, whose prompts must say which of the blueprint's rules do not apply.
 */
enum Stack {
    BLUEPRINT("Express + React (TypeScript)", ""),
    NODE("Node.js", "The blueprint names Drizzle, Zod, React Query and Storybook: use what this repository already "
            + "uses instead, and follow its existing patterns."),
    VUE("Vue", "The front end is Vue, not React: the rules on React components, React Query and Storybook stories "
            + "apply only where this repository already has them; components are the repository's .vue files."),
    SPRING("Java / Spring (Maven or Gradle)", "This is a Java service, not Express: there are no Express routes, "
            + "Drizzle, Zod or React here. Endpoints are Spring controllers; every endpoint still needs an "
            + "integration test (in src/test), and database names still follow the SQL naming rules. Run the build "
            + "with the wrapper the repository has (./mvnw or ./gradlew), offline."),
    PYTHON("Python", "This is a Python service, not Express: there are no Express routes, Drizzle, Zod or React "
            + "here. Endpoints are the framework's routes (FastAPI, Flask or Django); every endpoint still needs a "
            + "test (pytest), and database names still follow the SQL naming rules. Functions are snake_case "
            + "in Python: the blueprint's camelCase function names apply to TypeScript only.");

    private final String label;
    private final String note;

    Stack(String label, String note) {
        this.label = label;
        this.note = note;
    }

    public String label() {
        return label;
    }

    /** What a role's prompt must add on this stack: where the blueprint's rules do not apply; empty for the blueprint's. */
    public String note() {
        return note;
    }
}

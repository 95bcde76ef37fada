package dev.kleiber.testutil;

import dev.kleiber.plan.PlannedTask;
import dev.kleiber.protocol.Priority;

import java.util.List;
import java.util.Optional;

/** Plans the tests run often enough to share, as plan.yaml text. */
public final class SamplePlans {
    /** One small frontend task on Haiku: src/frontend/returnsNote.js, no review, no dependencies. */
    public static final String RETURNS_NOTE = """
            tasks:
              - id: returns-note
                title: Returns note
                agent: engineer-frontend
                description: Add src/frontend/returnsNote.js exporting returnsNote().
                acceptance: [returns the note]
                priority: p1
                model: haiku
            """;

    /** Two backend tasks, alpha then bravo (which depends on it), each adding src/services/ID.js. */
    public static final String ALPHA_THEN_BRAVO = """
            tasks:
              - id: alpha
                title: Task alpha
                agent: engineer-backend
                description: Add src/services/alpha.js
                acceptance: [the file exists]
              - id: bravo
                title: Task bravo
                agent: engineer-backend
                description: Add src/services/bravo.js
                acceptance: [the file exists]
                depends_on: [alpha]
            """;

    /** A P1 task of engineer-backend with one acceptance criterion ("the file exists"), no dependencies. */
    public static PlannedTask backendTask(String id, String description) {
        return new PlannedTask(id, "Task " + id, "engineer-backend", description, List.of("the file exists"),
                Optional.empty(), Optional.empty(), List.of(), Priority.P1, List.of(), Optional.empty());
    }

    private SamplePlans() {
    }
}

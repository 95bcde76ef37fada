package dev.kleiber.testutil;

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

    private SamplePlans() {
    }
}

package dev.kleiber.protocol;

import dev.kleiber.routing.Roles;

/** The blueprint's four file formats filled in as an agent would write them. */
final class Examples {
    static final ProtocolParser PARSER = new ProtocolParser(Roles.BLUEPRINT);

    static final String TASK = """
            # Task: feat-001
            Agent: engineer-backend
            Model: sonnet
            Priority: p1
            Created: 2025-01-09T14:30:00Z

            ## Description
            Implement webhook handler with integration tests.

            ## Acceptance Criteria
            - [ ] Handler verifies the signature
            - [x] Failed deliveries are retried

            ## Context
            Related to feat-000 (payment events).

            ## Constraints
            Do not touch src/frontend/*.
            """;

    static final String STARTED = """
            # Started: feat-001
            Agent: engineer-backend
            Started: 2025-01-09T14:35:00+01:00
            Estimated: 2h

            ## Approach
            Add an Express route, verify the HMAC, enqueue the event.

            ## Files I'll Touch
            - src/backend/webhooks.ts
            - src/backend/webhooks.test.ts
            """;

    static final String COMPLETE = """
            # Complete: feat-001
            Agent: engineer-backend
            Completed: 2025-01-09T16:05:00Z
            Model Used: sonnet
            Tokens: 15000/8000

            ## Summary
            Webhook handler with signature checks and retries.

            ## Files Changed
            - src/backend/webhooks.ts (created)
            - src/backend/routes.ts (modified)

            ## Tests Added
            - test/webhooks.test.ts

            ## Decisions Made
            - Chose HMAC-SHA256 over plain tokens because the provider signs payloads

            ## Ready for Review
            - [x] Tests pass locally
            - [x] No linting errors
            - [ ] Documentation updated
            """;

    static final String BLOCKED = """
            # Blocked: budget-2026-11-25
            Agent: conductor
            Blocked Since: 2026-11-25T10:00:00Z
            Type: technical

            ## Problem
            Daily spend passed $50.

            ## Attempted Solutions
            1. Tried X, failed because Y
            2. Tried Z, partial success but...

            ## Need From Conductor
            A human must approve further spend today.
            """;

    private Examples() {
    }
}

package dev.kleiber.server;

import java.util.Optional;

/**
 * Starts and stops runs in the server process's conductor. Implemented where the agent runtime is built (the CLI's
 * {@code kleiber serve}), so a run started through the API is planned and executed exactly as {@code kleiber run}
 * does it.
 */
public interface RunLauncher {
    /** What to run: a feature request for the conductor to plan, or a plan (YAML with a {@code tasks:} list). */
    sealed interface Start {
        record Request(String text) implements Start {
        }

        record PlanText(String yaml) implements Start {
        }
    }

    /** Validates what to run, starts it in the background and returns the new run's id. {@code by} is recorded. */
    String start(Start what, String by);

    /** Asks a run this server started to stop; empty when it started no such run (or it already ended). */
    Optional<String> cancel(String runId, String by);

    /** No runs from the API: for a server whose process cannot run agents. */
    RunLauncher NONE = new RunLauncher() {
        @Override
        public String start(Start what, String by) {
            throw new ApiProblem(503, "Runs unavailable", "this server does not run agents");
        }

        @Override
        public Optional<String> cancel(String runId, String by) {
            return Optional.empty();
        }
    };
}

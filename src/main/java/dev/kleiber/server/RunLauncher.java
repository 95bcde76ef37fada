package dev.kleiber.server;

import java.util.Optional;

/**
 * Starts and stops runs in the server process's conductor. Implemented where the agent runtime is built (the CLI's
 * {@code kleiber serve}), so a run started through the API is planned and executed exactly as {@code kleiber run}
 * does it.
 */
public interface RunLauncher {
    /**
     * Recorded (store {@code events}, under the new run's id) when a run is started through the API, with
     * {@code by NAME}: a request is planned before the store holds its run, and this is how every replica tells a run
     * being planned from an unknown id.
     */
    String STARTED_EVENT = "api.start";
    /** Recorded when a started request never became a run: planning failed, it was cancelled, or the server stopped. */
    String NOT_STARTED_EVENT = "api.not_started";

    /** What to run: a feature request for the conductor to plan, or a plan (YAML with a {@code tasks:} list). */
    sealed interface Start {
        record Request(String text) implements Start {
        }

        record PlanText(String yaml) implements Start {
        }
    }

    /** Validates what to run, starts it in the background and returns the new run's id. {@code by} is recorded. */
    String start(Start what, String by);

    /**
     * Asks a run this server started to stop (or stops planning it: it then never starts); empty when it started no
     * such run (or it already ended). Returns what the run does now: {@code stopping} or {@code cancelled}.
     */
    Optional<String> cancel(String runId, String by);

    /** This server cannot run agents (no API key, say): not the caller's fault, answered 503 with why. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String why) {
            super(why, null, false, false);
        }
    }

    /** No runs from the API: for a server whose process cannot run agents. */
    RunLauncher NONE = new RunLauncher() {
        @Override
        public String start(Start what, String by) {
            throw new Unavailable("this server does not run agents");
        }

        @Override
        public Optional<String> cancel(String runId, String by) {
            return Optional.empty();
        }
    };
}

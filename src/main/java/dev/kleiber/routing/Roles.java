package dev.kleiber.routing;

import java.util.List;

/** The agent roles the blueprint defines; a project may add its own in {@code .kleiber/agents/}. */
public final class Roles {
    public static final String CONDUCTOR = "conductor";
    public static final String ARCHITECT = "architect";
    public static final String ENGINEER_FRONTEND = "engineer-frontend";
    public static final String ENGINEER_BACKEND = "engineer-backend";
    public static final String VALIDATOR = "validator";
    public static final String SCRIBE = "scribe";

    /** The blueprint's roles, conductor first. */
    public static final List<String> BLUEPRINT =
            List.of(CONDUCTOR, ARCHITECT, ENGINEER_FRONTEND, ENGINEER_BACKEND, VALIDATOR, SCRIBE);

    private Roles() {
    }
}

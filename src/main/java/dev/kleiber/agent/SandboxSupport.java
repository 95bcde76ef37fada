package dev.kleiber.agent;

/**
 * Whether agents' commands can run under the hardened sandbox on this machine, as {@link SandboxProbe} found
 * by trying it. {@code kleiber doctor} and {@code agent run} say which applies.
 */
public sealed interface SandboxSupport {
    /**
     * @param isolation what contains a command (bubblewrap version, capabilities, uid, namespaces, filesystem)
     * @param limits    which mechanism enforces the per-command limits, and the limits themselves
     */
    record Hardened(String isolation, String limits) implements SandboxSupport {
    }

    /**
     * Commands are refused (fail closed) unless a project sets {@code sandbox: none}.
     *
     * @param reason what did not work, with the sandbox's own words when it said any
     * @param fix    what to install or allow, or how to opt out
     */
    record Unavailable(String reason, String fix) implements SandboxSupport {
    }
}

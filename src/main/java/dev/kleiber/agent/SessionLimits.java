package dev.kleiber.agent;

import dev.kleiber.config.KleiberConfig;

/**
 * Bounds of one agent session. {@code maxSessionTokens} counts every input and output token the
 * session's calls used; {@code condenseAboveChars} is the conversation size past which old tool
 * outputs are replaced by a one-line note (the model can ask again); {@code compactAtTokens} is the prompt size
 * (input tokens) at which the conversation is compacted into a summary, below the model's context window.
 */
public record SessionLimits(int maxTurns, int maxOutputTokens, long maxSessionTokens, int maxToolResultChars,
                            int condenseAboveChars, int keepRecentToolResults, long compactAtTokens) {

    public static SessionLimits of(int maxTurns, int maxOutputTokens) {
        return new SessionLimits(maxTurns, maxOutputTokens, 4_000_000, 24_000, 400_000, 6,
                KleiberConfig.AgentLimits.DEFAULT_COMPACT_AT_TOKENS);
    }

    /** The project's {@code agent:} settings of kleiber.yaml, the rest at their defaults. */
    public static SessionLimits of(KleiberConfig.AgentLimits agent) {
        return new SessionLimits(agent.maxTurns(), agent.maxOutputTokens(), 4_000_000, 24_000, 400_000, 6,
                agent.compactAtTokens());
    }

    public SessionLimits {
        if (maxTurns < 1 || maxOutputTokens < 1 || maxSessionTokens < 1 || maxToolResultChars < 200
                || condenseAboveChars < 1 || keepRecentToolResults < 1 || compactAtTokens < 1) {
            throw new IllegalArgumentException("session limits must be positive");
        }
    }
}

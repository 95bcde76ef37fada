package dev.kleiber.agent;

/**
 * Bounds of one agent session. {@code maxSessionTokens} counts every input and output token the
 * session's calls used; {@code condenseAboveChars} is the conversation size past which old tool
 * outputs are replaced by a one-line note (the model can ask again).
 */
public record SessionLimits(int maxTurns, int maxOutputTokens, long maxSessionTokens, int maxToolResultChars,
                            int condenseAboveChars, int keepRecentToolResults) {

    public static SessionLimits of(int maxTurns, int maxOutputTokens) {
        return new SessionLimits(maxTurns, maxOutputTokens, 4_000_000, 24_000, 400_000, 6);
    }

    public SessionLimits {
        if (maxTurns < 1 || maxOutputTokens < 1 || maxSessionTokens < 1 || maxToolResultChars < 200
                || condenseAboveChars < 1 || keepRecentToolResults < 1) {
            throw new IllegalArgumentException("session limits must be positive");
        }
    }
}

package dev.kleiber.agent;

/**
 * A session's conversation neared the model's context window and was compacted: the {@code messagesReplaced}
 * oldest messages became one message holding the task and the agent's own summary of its work so far.
 *
 * @param turn         the turn about to be sent when it happened
 * @param tokensBefore the prompt's input tokens before, as counted
 * @param tokensAfter  the prompt's input tokens after
 */
public record SessionCompaction(int turn, long tokensBefore, long tokensAfter, int messagesReplaced) {

    /** {@code compacted the conversation at turn 31: 41,210 → 6,830 input tokens (58 messages summarized)}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "compacted the conversation at turn %d: %,d → %,d input tokens "
                + "(%d messages summarized)", turn, tokensBefore, tokensAfter, messagesReplaced);
    }
}

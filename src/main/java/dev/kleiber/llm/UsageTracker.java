package dev.kleiber.llm;

import com.anthropic.models.messages.MessageDeltaUsage;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.kleiber.ledger.TokenUsage;

import java.util.Optional;

/**
 * Follows the usage a stream reports as it goes ({@code message_start}, then cumulative {@code message_delta}
 * counts), so that a stream that breaks off is still billed for what the API reported before it broke.
 */
final class UsageTracker {
    private TokenUsage usage = TokenUsage.NONE;
    private Optional<String> answeredModel = Optional.empty();
    private boolean started;
    private boolean stopped;

    void observe(RawMessageStreamEvent event) {
        if (event.isMessageStart()) {
            var message = event.asMessageStart().message();
            started = true;
            answeredModel = Optional.of(message.model().asString());
            usage = ResponseMapper.usage(message.usage());
        } else if (event.isMessageDelta()) {
            usage = merge(usage, event.asMessageDelta().usage());
        } else if (event.isMessageStop()) {
            stopped = true;
        }
    }

    /** Each count in a {@code message_delta} is a running total for the whole message, so it replaces the earlier one. */
    private static TokenUsage merge(TokenUsage before, MessageDeltaUsage delta) {
        long cacheWrite = delta.cacheCreationInputTokens().orElse(before.cacheWrite5m() + before.cacheWrite1h());
        long write1h = Math.min(before.cacheWrite1h(), cacheWrite);
        return new TokenUsage(delta.inputTokens().orElse(before.input()), delta.outputTokens(),
                cacheWrite - write1h, write1h, delta.cacheReadInputTokens().orElse(before.cacheRead()));
    }

    TokenUsage usage() {
        return usage;
    }

    Optional<String> answeredModel() {
        return answeredModel;
    }

    boolean started() {
        return started;
    }

    boolean stopped() {
        return stopped;
    }
}

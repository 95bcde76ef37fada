package dev.kleiber.llm;

import com.anthropic.models.messages.MessageCreateParams;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestMapperTest {
    private static LlmRequest request(boolean cached) {
        ContentBlock.Text system = ContentBlock.Text.of("You are engineer-backend. ".repeat(50));
        return LlmRequest.of("claude-sonnet-4-5", List.of(cached ? system.withCacheControl(CacheControl.ONE_HOUR) : system),
                List.of(), List.of(Message.user("Add a KYC status column — ünïcödé counts in bytes.")), 1000);
    }

    @Test
    void theInputBoundIsAtLeastTheBytesOfTheRequest() {
        LlmRequest request = request(false);
        MessageCreateParams params = RequestMapper.toParams(request);
        long text = request.system().getFirst().text().getBytes(StandardCharsets.UTF_8).length
                + ((ContentBlock.Text) request.messages().getFirst().content().getFirst()).text().getBytes(StandardCharsets.UTF_8).length;

        assertThat(RequestMapper.inputTokenUpperBound(params)).isGreaterThan(text + RequestMapper.API_OVERHEAD_TOKENS);
        assertThat(RequestMapper.reservedInputTokens(request, params)).isEqualTo(RequestMapper.inputTokenUpperBound(params));
    }

    @Test
    void aCachedRequestReservesItsInputAtTheDearestCacheWriteRate() {
        LlmRequest request = request(true);
        MessageCreateParams params = RequestMapper.toParams(request);

        assertThat(RequestMapper.reservedInputTokens(request, params))
                .isEqualTo(RequestMapper.CACHE_WRITE_PRICE_FACTOR * RequestMapper.inputTokenUpperBound(params));
    }
}

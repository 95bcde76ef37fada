package dev.kleiber.llm;

import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.LogLevel;
import com.anthropic.core.Timeout;
import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.models.ModelInfo;
import com.anthropic.models.models.ModelListPage;
import com.anthropic.models.models.ModelListParams;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kleiber.KleiberException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The models the API key can use, from {@code GET /v1/models} through the official SDK, every page of it. Free
 * of charge, so it is neither reserved nor billed.
 */
public final class ModelCatalog implements AutoCloseable {
    /** More pages than this means something is wrong with the answers, not that there are so many models. */
    private static final int MAX_PAGES = 50;

    /** One model the API lists. */
    public record Listed(String id, String displayName, Instant createdAt, Optional<String> lifecycle,
                         Optional<Instant> retiresAt) {
    }

    private final com.anthropic.client.AnthropicClient sdk;
    private final AnthropicSettings settings;

    public ModelCatalog(AnthropicSettings settings) {
        this.settings = settings;
        this.sdk = AnthropicOkHttpClient.builder()
                .apiKey(settings.apiKey().reveal())
                .baseUrl(settings.baseUrl().toString())
                .maxRetries(1)
                .logLevel(LogLevel.OFF)
                .timeout(Timeout.builder().connect(settings.connectTimeout()).read(Duration.ofSeconds(30))
                        .request(Duration.ofSeconds(60)).build())
                .build();
    }

    /**
     * Every model the key can use, newest first as the API lists them.
     *
     * @throws LlmCallException when the API cannot be reached or refuses (a bad key: exit 2)
     */
    public List<Listed> list() {
        List<Listed> all = new ArrayList<>();
        try {
            ModelListPage page = sdk.models().list(ModelListParams.builder().limit(100L).build());
            for (int pages = 1; ; pages++) {
                page.data().forEach(info -> all.add(listed(info)));
                if (!page.hasNextPage() || pages >= MAX_PAGES) {
                    return List.copyOf(all);
                }
                page = page.nextPage();
            }
        } catch (AnthropicServiceException e) {
            JsonNode error = errorOf(e);
            LlmFailure failure = new LlmFailure.ApiError(e.statusCode(), error.path("type").asText("unknown_error"),
                    redact(error.path("message").asText("no error message")), e.requestId(), Optional.empty(),
                    Optional.empty());
            String hint = e.statusCode() == 401 ? " Check " + AnthropicSettings.API_KEY_VARIABLE + "."
                    : e.statusCode() == 403 ? " The key may not list models; check its workspace and permissions." : "";
            throw new LlmCallException("listing the models (GET /v1/models) failed: " + failure.describe() + "." + hint,
                    e.statusCode() == 401 || e.statusCode() == 403 ? KleiberException.BAD_INPUT : KleiberException.FAILED,
                    failure, 1);
        } catch (AnthropicIoException e) {
            LlmFailure failure = new LlmFailure.Unreachable(redact(String.valueOf(e.getMessage())));
            throw new LlmCallException("could not reach the API at " + settings.baseUrl() + " to list the models: "
                    + redact(String.valueOf(e.getMessage())), KleiberException.FAILED, failure, 1);
        } catch (RuntimeException e) {
            LlmFailure failure = new LlmFailure.Malformed(redact(String.valueOf(e.getMessage())));
            throw new LlmCallException("the API's list of models could not be read: " + failure.describe(),
                    KleiberException.FAILED, failure, 1);
        }
    }

    private static Listed listed(ModelInfo info) {
        return new Listed(info.id(), info._displayName().asString().orElse(info.id()), info.createdAt().toInstant(),
                info._lifecycle().asKnown().map(l -> l.asString()),
                info._retiresAt().asKnown().map(java.time.OffsetDateTime::toInstant));
    }

    private String redact(String text) {
        return settings.apiKey().redactFrom(text);
    }

    private static JsonNode errorOf(AnthropicServiceException e) {
        try {
            JsonNode body = e.body().convert(JsonNode.class);
            return body == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : body.path("error");
        } catch (RuntimeException unreadable) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    @Override
    public void close() {
        sdk.close();
    }
}

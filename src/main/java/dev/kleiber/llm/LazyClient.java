package dev.kleiber.llm;

import dev.kleiber.ledger.CallContext;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The API client made at the first call, not before: a command that may find nothing to do (a {@code kleiber resume}
 * of a finished run) must not demand a key it never uses. When the environment cannot make one
 * ({@link ApiSettingsException}), every call fails with that, and {@link #unusable()} tells the command afterwards.
 */
public final class LazyClient implements LlmClient, AutoCloseable {
    private final Supplier<AnthropicClient> factory;
    private AnthropicClient client;
    private ApiSettingsException unusable;

    public LazyClient(Supplier<AnthropicClient> factory) {
        this.factory = factory;
    }

    @Override
    public LlmResponse send(CallContext context, LlmRequest request, StreamListener listener) {
        return client().send(context, request, listener);
    }

    @Override
    public long countInputTokens(LlmRequest request) {
        return client().countInputTokens(request);
    }

    /** Why no call could be made, once one was tried and the environment could not make a client. */
    public synchronized Optional<ApiSettingsException> unusable() {
        return Optional.ofNullable(unusable);
    }

    private synchronized AnthropicClient client() {
        if (unusable != null) {
            throw unusable;
        }
        if (client == null) {
            try {
                client = factory.get();
            } catch (ApiSettingsException e) {
                unusable = e;
                throw e;
            }
        }
        return client;
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}

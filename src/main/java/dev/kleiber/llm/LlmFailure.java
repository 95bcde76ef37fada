package dev.kleiber.llm;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** Why an attempt to get an answer failed. {@link RetryPolicy} decides which of these are worth another try. */
public sealed interface LlmFailure {

    /** One line for a person: what happened, with the API's own words where it gave any. */
    String describe();

    /**
     * The API answered with an HTTP error status.
     *
     * @param retryAfter  how long the API asked to wait ({@code retry-after-ms} or {@code retry-after})
     * @param shouldRetry the API's own {@code x-should-retry} verdict, when it gave one
     */
    record ApiError(int status, String errorType, String apiMessage, Optional<String> requestId,
                    Optional<Duration> retryAfter, Optional<Boolean> shouldRetry) implements LlmFailure {
        public ApiError {
            Objects.requireNonNull(errorType, "errorType");
            Objects.requireNonNull(apiMessage, "apiMessage");
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(shouldRetry, "shouldRetry");
        }

        @Override
        public String describe() {
            return "HTTP %d %s: %s%s".formatted(status, errorType, apiMessage,
                    requestId.map(id -> " (request " + id + ")").orElse(""));
        }
    }

    /** The stream carried an {@code error} event, e.g. {@code overloaded_error}, after the answer had begun. */
    record StreamError(String errorType, String apiMessage, Optional<String> requestId) implements LlmFailure {
        @Override
        public String describe() {
            return "error event in the response stream: %s: %s%s".formatted(errorType, apiMessage,
                    requestId.map(id -> " (request " + id + ")").orElse(""));
        }
    }

    /** The stream stopped before {@code message_stop}: the answer is incomplete and must not be used. */
    record StreamCut(String detail) implements LlmFailure {
        @Override
        public String describe() {
            return "the response stream broke off before the answer was complete (" + detail + ")";
        }
    }

    /** No answer at all: the connection could not be made or timed out before a response. */
    record Unreachable(String detail) implements LlmFailure {
        @Override
        public String describe() {
            return "could not reach the API (" + detail + ")";
        }
    }

    /** The API's answer could not be read as the Messages API wire format. */
    record Malformed(String detail) implements LlmFailure {
        @Override
        public String describe() {
            return "the API's answer could not be read: " + detail;
        }
    }

    /** The caller's thread was interrupted. */
    record Cancelled() implements LlmFailure {
        @Override
        public String describe() {
            return "the call was cancelled";
        }
    }
}

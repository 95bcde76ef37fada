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

    /**
     * The model itself cannot be used: no retry, no other attempt on the same model can help, and a bigger model
     * is not the answer either. The run must stop the task and say which model, which tier, where it was chosen
     * and how to fix it; {@code kleiber models} lists the models the key can use.
     */
    sealed interface ModelProblem extends LlmFailure {
        String model();
    }

    /**
     * The API does not know the model: retired, misspelt or not available to this key (HTTP 404
     * {@code not_found_error} naming the model).
     */
    record ModelUnavailable(String model, String apiMessage, Optional<String> requestId) implements ModelProblem {
        public ModelUnavailable {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(apiMessage, "apiMessage");
            Objects.requireNonNull(requestId, "requestId");
        }

        @Override
        public String describe() {
            return "the API does not offer model %s (HTTP 404 not_found_error: %s%s)".formatted(model, apiMessage,
                    requestId.map(id -> ", request " + id).orElse(""));
        }
    }

    /** Kleiber knows no price for the model, so it refuses to call it: a call's cost must be bounded before it is made. */
    record Unpriced(String model) implements ModelProblem {
        public Unpriced {
            Objects.requireNonNull(model, "model");
        }

        @Override
        public String describe() {
            return "no price is known for model " + model + ", so Kleiber will not call it";
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

package dev.kleiber.llm;

import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.LogLevel;
import com.anthropic.core.Timeout;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicInvalidDataException;
import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.SseException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.kleiber.KleiberException;
import dev.kleiber.ledger.CallBudget;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.CallOutcome;
import dev.kleiber.ledger.CallResult;
import dev.kleiber.ledger.Reservation;
import dev.kleiber.ledger.UnknownPriceException;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The {@link LlmClient} that talks to the Anthropic Messages API through the official Java SDK, streaming
 * every answer. Each attempt reserves its worst case with the {@link CallBudget} first (so the budget is
 * checked again before every retry) and settles what the API reported afterwards, whatever happened. The
 * SDK's own retries are off: {@link RetryPolicy} is the only one.
 */
public final class AnthropicClient implements LlmClient, AutoCloseable {

    private final com.anthropic.client.AnthropicClient sdk;
    private final AnthropicSettings settings;
    private final CallBudget budget;
    private final RetryPolicy policy;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier jitter;
    private final ModelOrigin origin;

    public AnthropicClient(AnthropicSettings settings, CallBudget budget, RetryPolicy policy, Clock clock,
                           Sleeper sleeper, DoubleSupplier jitter) {
        this(settings, budget, policy, clock, sleeper, jitter, ModelOrigin.KLEIBER_YAML);
    }

    /** @param origin where each tier's model was chosen, named when a model cannot be used */
    public AnthropicClient(AnthropicSettings settings, CallBudget budget, RetryPolicy policy, Clock clock,
                           Sleeper sleeper, DoubleSupplier jitter, ModelOrigin origin) {
        this.origin = origin;
        this.settings = settings;
        this.budget = budget;
        this.policy = policy;
        this.clock = clock;
        this.sleeper = sleeper;
        this.jitter = jitter;
        this.sdk = AnthropicOkHttpClient.builder()
                .apiKey(settings.apiKey().reveal())
                .baseUrl(settings.baseUrl().toString())
                .maxRetries(0)
                // The SDK's logging would print request and response bodies to stderr; Kleiber's output is its own.
                .logLevel(LogLevel.OFF)
                .timeout(Timeout.builder()
                        .connect(settings.connectTimeout())
                        .read(settings.readTimeout())
                        .write(settings.readTimeout())
                        .request(Duration.ofHours(1))
                        .build())
                .build();
    }

    /** A client with {@link RetryPolicy#standard()}, real sleeping and random jitter. */
    public static AnthropicClient create(AnthropicSettings settings, CallBudget budget, Clock clock) {
        return create(settings, budget, clock, ModelOrigin.KLEIBER_YAML);
    }

    public static AnthropicClient create(AnthropicSettings settings, CallBudget budget, Clock clock, ModelOrigin origin) {
        return new AnthropicClient(settings, budget, RetryPolicy.standard(), clock, Sleeper.SYSTEM,
                () -> ThreadLocalRandom.current().nextDouble(), origin);
    }

    @Override
    public LlmResponse send(CallContext context, LlmRequest request, StreamListener listener) {
        MessageCreateParams params = RequestMapper.toParams(request);
        long inputBound = RequestMapper.reservedInputTokens(request, params);
        // The bound is on the whole call, attempts included: a server that answers nothing until each read times
        // out must not hold a run for attempts x timeout.
        java.time.Instant started = clock.instant();
        for (int attempt = 1; ; attempt++) {
            Reservation reservation;
            try {
                reservation = budget.reserve(context, request.model(), inputBound, request.maxTokens());
            } catch (UnknownPriceException e) {
                throw failed(context, request, new LlmFailure.Unpriced(request.model()), attempt - 1, "");
            }
            AttemptOutcome outcome = attemptSettled(reservation, params, request.model(), listener);
            if (outcome instanceof AttemptOutcome.Answered answered) {
                return answered.response();
            }
            LlmFailure failure = modelProblem(((AttemptOutcome.Failed) outcome).failure(), request.model());
            Duration waited = Duration.between(started, clock.instant());
            switch (policy.decide(failure, attempt, waited, jitter)) {
                case RetryPolicy.Decision.Retry retry -> {
                    listener.onRetry(new RetryNotice(attempt + 1, policy.maxAttempts(), retry.delay(),
                            RetryNotice.problemOf(failure), settings.apiKey().redactFrom(retry.reason())));
                    try {
                        sleeper.sleep(retry.delay());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw failed(context, request, new LlmFailure.Cancelled(), attempt, "");
                    }
                }
                case RetryPolicy.Decision.GiveUp giveUp -> throw failed(context, request, failure, attempt,
                        RetryPolicy.isRetryable(failure) ? giveUp.reason() : "");
            }
        }
    }

    /**
     * Asks the API ({@code count_tokens}, free of charge) once; when that fails for any reason the estimate
     * stands in, since a count only decides when to compact and must never fail the session itself.
     */
    @Override
    public long countInputTokens(LlmRequest request) {
        try {
            return sdk.messages().countTokens(RequestMapper.toCountParams(request)).inputTokens();
        } catch (AnthropicServiceException | AnthropicIoException | AnthropicInvalidDataException e) {
            return TokenEstimate.of(request);
        }
    }

    /** One attempt, settled on every path: answered, failed, cancelled, or broken by a bug of ours. */
    private AttemptOutcome attemptSettled(Reservation reservation, MessageCreateParams params, String model,
                                          StreamListener listener) {
        UsageTracker tracker = new UsageTracker();
        AttemptOutcome outcome;
        try {
            outcome = attempt(params, model, tracker, listener);
        } catch (RuntimeException | Error e) {
            try {
                budget.settle(reservation, new CallResult(tracker.answeredModel().orElse(model), tracker.usage(),
                        CallOutcome.ERROR, Optional.empty()));
            } catch (RuntimeException settleFailure) {
                e.addSuppressed(settleFailure);
            }
            throw e;
        }
        budget.settle(reservation, outcome.billing());
        return outcome;
    }

    private AttemptOutcome attempt(MessageCreateParams params, String model, UsageTracker tracker, StreamListener listener) {
        Optional<String> requestId = Optional.empty();
        try (HttpResponseFor<StreamResponse<RawMessageStreamEvent>> response =
                     sdk.messages().withRawResponse().createStreaming(params)) {
            requestId = response.requestId();
            try (StreamResponse<RawMessageStreamEvent> events = response.parse()) {
                MessageAccumulator accumulator = MessageAccumulator.create();
                ToolInputs toolInputs = new ToolInputs();
                Iterator<RawMessageStreamEvent> it = events.stream().iterator();
                while (!tracker.stopped() && it.hasNext()) {
                    if (Thread.currentThread().isInterrupted()) {
                        return failedAttempt(new LlmFailure.Cancelled(), model, tracker, requestId);
                    }
                    RawMessageStreamEvent event = it.next();
                    try {
                        tracker.observe(event);
                        toolInputs.observe(event);
                        accumulator.accumulate(event);
                    } catch (AnthropicInvalidDataException | IllegalStateException | IllegalArgumentException e) {
                        return failedAttempt(new LlmFailure.Malformed(redact("event out of order or unreadable: " + e.getMessage())),
                                model, tracker, requestId);
                    }
                    event.contentBlockDelta()
                            .flatMap(d -> d.delta().text())
                            .ifPresent(text -> listener.onText(text.text()));
                }
                if (!tracker.started()) {
                    return failedAttempt(new LlmFailure.Malformed("HTTP %d with no Messages API events in the body"
                            .formatted(response.statusCode())), model, tracker, requestId);
                }
                if (!tracker.stopped()) {
                    return failedAttempt(new LlmFailure.StreamCut("the stream ended without message_stop"), model, tracker, requestId);
                }
                String answered = tracker.answeredModel().orElse(model);
                return new AttemptOutcome.Answered(ResponseMapper.toResponse(
                        toolInputs.withoutCutToolCalls(accumulator.message()), answered, requestId, false));
            }
        } catch (SseException e) {
            JsonNode error = errorOf(e);
            return failedAttempt(new LlmFailure.StreamError(error.path("type").asText("unknown_error"),
                    redact(error.path("message").asText("no message")), requestId), model, tracker, requestId);
        } catch (AnthropicServiceException e) {
            return failedAttempt(apiError(e), model, tracker, e.requestId());
        } catch (AnthropicIoException e) {
            if (Thread.currentThread().isInterrupted()) {
                return failedAttempt(new LlmFailure.Cancelled(), model, tracker, requestId);
            }
            String detail = redact(rootMessage(e));
            LlmFailure failure = tracker.started() ? new LlmFailure.StreamCut(detail) : new LlmFailure.Unreachable(detail);
            return failedAttempt(failure, model, tracker, requestId);
        } catch (AnthropicInvalidDataException | ResponseMapper.UnusableAnswerException e) {
            return failedAttempt(new LlmFailure.Malformed(redact(rootMessage(e))), model, tracker, requestId);
        }
    }

    /** A 404 {@code not_found_error} that names the model: the model is retired, misspelt or not for this key. */
    private static LlmFailure modelProblem(LlmFailure failure, String model) {
        if (failure instanceof LlmFailure.ApiError api && api.status() == 404 && api.errorType().equals("not_found_error")
                && api.apiMessage().contains(model)) {
            return new LlmFailure.ModelUnavailable(model, api.apiMessage(), api.requestId());
        }
        return failure;
    }

    private static AttemptOutcome failedAttempt(LlmFailure failure, String model, UsageTracker tracker,
                                                Optional<String> requestId) {
        return new AttemptOutcome.Failed(failure, tracker.answeredModel().orElse(model), tracker.usage(), requestId);
    }

    private LlmFailure.ApiError apiError(AnthropicServiceException e) {
        JsonNode error = errorOf(e);
        return new LlmFailure.ApiError(e.statusCode(),
                error.path("type").asText("unknown_error"),
                redact(error.path("message").asText("no error message in the response body")),
                e.requestId(),
                RetryAfter.parse(name -> e.headers().values(name).stream().findFirst(), clock.instant()),
                e.headers().values("x-should-retry").stream().findFirst().map(v -> v.strip().equalsIgnoreCase("true")));
    }

    /** Text from outside (the API, a proxy, the network stack) with the key taken out, in case it echoes it. */
    private String redact(String text) {
        return settings.apiKey().redactFrom(text);
    }

    private static JsonNode errorOf(AnthropicServiceException e) {
        try {
            JsonNode body = e.body().convert(JsonNode.class);
            return body == null ? MissingNode.getInstance() : body.path("error");
        } catch (RuntimeException unreadable) {
            return MissingNode.getInstance();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : e.getMessage() + ": " + message;
    }

    private KleiberException failed(CallContext context, LlmRequest request, LlmFailure failure, int attempts, String retryNote) {
        if (failure instanceof LlmFailure.ModelProblem problem) {
            return new LlmCallException(settings.apiKey().redactFrom(ModelOrigin.stopMessage(problem, context.tier(),
                    describe(context), origin)), KleiberException.BAD_INPUT, failure, attempts);
        }
        String who = "Claude call for %s (model %s)".formatted(describe(context), request.model());
        String what = failure.describe();
        if (failure instanceof LlmFailure.Unreachable) {
            what = "could not reach the API at " + settings.baseUrl() + " (" + ((LlmFailure.Unreachable) failure).detail() + ")";
        }
        String hint = hint(failure, request);
        String retries = retryNote.isEmpty() ? "" : "; " + retryNote;
        String message = settings.apiKey().redactFrom("%s failed: %s%s.%s".formatted(who, what, retries, hint));
        int exit = failure instanceof LlmFailure.ApiError api && (api.status() == 401 || api.status() == 403 || api.status() == 404)
                ? KleiberException.BAD_INPUT : KleiberException.FAILED;
        return new LlmCallException(message, exit, failure, attempts);
    }

    private static String describe(CallContext context) {
        String task = context.taskId() == null || context.taskId().isBlank() ? "" : "task " + context.taskId() + ", ";
        return task + "agent " + context.agent();
    }

    private static String hint(LlmFailure failure, LlmRequest request) {
        if (RetryPolicy.isSpendLimit(failure)) {
            return " A spend limit of your Anthropic organisation or workspace was reached: raise it in the Anthropic"
                    + " Console or wait until it resets; retrying now would not help.";
        }
        if (!(failure instanceof LlmFailure.ApiError api)) {
            return "";
        }
        return switch (api.status()) {
            case 400 -> " The API refused the request as sent.";
            case 401 -> " Check " + AnthropicSettings.API_KEY_VARIABLE + ".";
            case 403 -> " The API key is not allowed to do this; check its workspace and permissions.";
            case 404 -> " Check the model id '" + request.model() + "' and " + AnthropicSettings.BASE_URL_VARIABLE + ".";
            case 413 -> " The request is larger than the API accepts; the conversation must be shortened.";
            default -> "";
        };
    }

    @Override
    public void close() {
        sdk.close();
    }

    @Override
    public String toString() {
        return "AnthropicClient[" + settings.baseUrl() + "]";
    }

}

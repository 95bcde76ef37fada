package dev.kleiber.server;

import java.time.Duration;
import java.util.Optional;

/**
 * A request the API refuses, answered as an RFC 9457 {@code application/problem+json} document: the status, a short
 * title and a {@code detail} a person can act on. {@code retryAfter} adds a {@code Retry-After} header.
 */
final class ApiProblem extends RuntimeException {
    private final int status;
    private final String title;
    private final Optional<Duration> retryAfter;

    ApiProblem(int status, String title, String detail, Optional<Duration> retryAfter) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.retryAfter = retryAfter;
    }

    ApiProblem(int status, String title, String detail) {
        this(status, title, detail, Optional.empty());
    }

    static ApiProblem badRequest(String detail) {
        return new ApiProblem(400, "Bad request", detail);
    }

    static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "Not found", detail);
    }

    int status() {
        return status;
    }

    String title() {
        return title;
    }

    String detail() {
        return getMessage();
    }

    Optional<Duration> retryAfter() {
        return retryAfter;
    }

    /** Whole seconds, at least 1: what {@code Retry-After} carries. */
    static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}

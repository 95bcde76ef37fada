/**
 * Observability: Kleiber's meters in Prometheus text ({@link dev.kleiber.metrics.KleiberMetrics}), served by a
 * worker's {@link dev.kleiber.metrics.MetricsEndpoint} or the server's {@code /metrics}. Figures that must agree
 * across processes (spend, tokens, budget, tasks by state, queue, live workers, main) are read from the store at
 * scrape time; what only one process sees (durations, validations, routing, refusals, API requests) is counted
 * from its run events and hooks.
 */
package dev.kleiber.metrics;

package dev.kleiber.metrics;

import dev.kleiber.server.ApiServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's hook: requests by route and status, rate-limited requests and open live streams. Give the route's
 * template ({@code /api/v1/runs/{run}}), never the path a client sent: past {@value #MAX_ROUTES} distinct routes
 * the rest count as {@code other}, so a scanner cannot grow the series without end.
 */
final class ApiMeters implements ApiServer.Traffic {
    static final int MAX_ROUTES = 64;
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5)};

    private final MeterRegistry registry;
    private final Set<String> routes = ConcurrentHashMap.newKeySet();
    private final AtomicInteger streams = new AtomicInteger();

    ApiMeters(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("kleiber.api.sse.clients", streams, AtomicInteger::get)
                .description("Clients connected to a live event stream").register(registry);
    }

    /** One answered request: its method, route template, status code and how long it took. */
    @Override
    public void request(String method, String route, int status, Duration took) {
        String r = bounded(route);
        String m = method.toUpperCase(Locale.ROOT);
        Counter.builder("kleiber.api.requests").description("API requests answered, by method, route and status")
                .tags("method", m, "route", r, "status", String.valueOf(status)).register(registry).increment();
        Timer.builder("kleiber.api.request.duration").description("How long API requests took, by method and route")
                .tags("method", m, "route", r).serviceLevelObjectives(BUCKETS).register(registry).record(took);
    }

    /** A request refused by the rate limit (it is counted by {@link #request} too, with its 429). */
    @Override
    public void rateLimited(String route) {
        Counter.builder("kleiber.api.rate.limited").description("Requests the rate limit refused, by route")
                .tag("route", bounded(route)).register(registry).increment();
    }

    /** A client opened a live event stream; call {@link #streamClosed()} when it goes. */
    @Override
    public void streamOpened() {
        streams.incrementAndGet();
    }

    @Override
    public void streamClosed() {
        streams.decrementAndGet();
    }

    private String bounded(String route) {
        if (routes.contains(route)) {
            return route;
        }
        if (routes.size() < MAX_ROUTES) {
            routes.add(route);
            return route;
        }
        return "other";
    }
}

package dev.kleiber.server;

import dev.kleiber.store.Database;
import io.javalin.http.sse.SseClient;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Live run events for Server-Sent Events clients. One thread per server polls the store's event log (so events written
 * by any process on the store — this server's conductor, a CLI run, another replica — reach every client) and hands
 * new events to the subscribers of their run. Each subscriber has its own queue and virtual thread: it first sends
 * what the store holds after the client's {@code Last-Event-ID}, then what the feed handed it, skipping anything not
 * after the last id sent, so a resumed stream neither loses nor repeats an event. A quiet stream gets a keep-alive
 * comment every {@code keepAlive}.
 *
 * <p>On PostgreSQL a sequence number is taken at insert and becomes visible at commit, so a higher one can be seen
 * before a lower one commits; the feed does not pass a gap in the sequence until it fills or {@link #GAP_WAIT} has
 * passed (a rolled-back insert leaves a gap for good).
 */
final class EventFeed implements AutoCloseable {
    static final Duration GAP_WAIT = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int BATCH = 1000;
    /** A client that falls this far behind is closed; it resumes from its Last-Event-ID. */
    private static final int MAX_QUEUED = 10_000;

    /** One stored event as the stream sends it. */
    record StreamEvent(long seq, String runId, String kind, String json) {
    }

    private final Database database;
    private final Clock clock;
    private final Duration keepAlive;
    private final Function<StoredRow, StreamEvent> toEvent;
    private final Map<String, Set<Subscriber>> byRun = new ConcurrentHashMap<>();
    private final Thread poller;
    private volatile boolean closed;
    private long confirmed;
    private long gapSince = -1;

    /** A row of the event log. */
    record StoredRow(long seq, long atMs, String runId, String taskId, String kind, String detail) {
    }

    EventFeed(Database database, Clock clock, Duration keepAlive, Function<StoredRow, StreamEvent> toEvent) {
        this.database = database;
        this.clock = clock;
        this.keepAlive = keepAlive;
        this.toEvent = toEvent;
        this.confirmed = database.read(tx -> tx.number("SELECT MAX(seq) FROM events"));
        this.poller = Thread.ofPlatform().daemon().name("kleiber-event-feed").start(this::poll);
    }

    /** Streams {@code runId}'s events after {@code afterSeq} to {@code client} until it disconnects or the feed closes. */
    void subscribe(String runId, long afterSeq, SseClient client) {
        Subscriber subscriber = new Subscriber(runId, afterSeq, client);
        byRun.computeIfAbsent(runId, r -> ConcurrentHashMap.newKeySet()).add(subscriber);
        client.onClose(subscriber::stop);
        client.keepAlive();
        Thread.ofVirtual().name("kleiber-sse-" + runId).start(subscriber::run);
    }

    int subscribers() {
        return byRun.values().stream().mapToInt(Set::size).sum();
    }

    private void poll() {
        while (!closed) {
            try {
                List<StoredRow> rows = database.read(tx -> tx.query("SELECT seq, at_ms, run_id, task_id, kind, detail "
                        + "FROM events WHERE seq > ? ORDER BY seq LIMIT " + BATCH, rs -> new StoredRow(rs.getLong(1),
                        rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)), confirmed));
                for (StoredRow row : rows) {
                    if (row.seq() != confirmed + 1 && !gapWaited()) {
                        break;
                    }
                    gapSince = -1;
                    confirmed = row.seq();
                    Set<Subscriber> subscribers = byRun.get(row.runId());
                    if (subscribers != null && !subscribers.isEmpty()) {
                        StreamEvent event = toEvent.apply(row);
                        subscribers.forEach(s -> s.offer(event));
                    }
                }
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the store is unreachable for a moment: /readyz says so; the streams wait and catch up after
                sleepQuietly();
            }
        }
    }

    private boolean gapWaited() {
        long now = clock.millis();
        if (gapSince < 0) {
            gapSince = now;
        }
        return now - gapSince >= GAP_WAIT.toMillis();
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(POLL.multipliedBy(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
        byRun.values().forEach(set -> set.forEach(Subscriber::stop));
    }

    private final class Subscriber {
        private final String runId;
        private final SseClient client;
        private final LinkedBlockingQueue<StreamEvent> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
        private volatile boolean stopped;
        private long sent;

        Subscriber(String runId, long afterSeq, SseClient client) {
            this.runId = runId;
            this.sent = afterSeq;
            this.client = client;
        }

        void offer(StreamEvent event) {
            if (!queue.offer(event)) {
                stop();
            }
        }

        void run() {
            try {
                List<StoredRow> backlog = database.read(tx -> tx.query("SELECT seq, at_ms, run_id, task_id, kind, detail "
                        + "FROM events WHERE run_id = ? AND seq > ? ORDER BY seq", rs -> new StoredRow(rs.getLong(1),
                        rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)), runId, sent));
                for (StoredRow row : backlog) {
                    send(toEvent.apply(row));
                }
                while (!stopped && !closed && !client.terminated()) {
                    StreamEvent event = queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
                    if (event == null) {
                        client.sendComment("keep-alive");
                    } else {
                        send(event);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // a client gone mid-write, or the store gone: the client reconnects with its Last-Event-ID
            } finally {
                stop();
            }
        }

        private void send(StreamEvent event) {
            if (event.seq() > sent) {
                client.sendEvent(event.kind(), event.json(), Long.toString(event.seq()));
                sent = event.seq();
            }
        }

        void stop() {
            if (stopped) {
                return;
            }
            stopped = true;
            Set<Subscriber> set = byRun.get(runId);
            if (set != null) {
                set.remove(this);
            }
            try {
                client.close();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
    }
}

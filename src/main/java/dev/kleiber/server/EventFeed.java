package dev.kleiber.server;

import dev.kleiber.store.Database;
import dev.kleiber.store.RunEvents;
import dev.kleiber.store.StoredRunEvent;
import io.javalin.http.sse.SseClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Live run events for Server-Sent Events clients. One thread per server polls the store's typed run events
 * ({@code run_events}, contract A) so that events written by any process on the store — this server's conductor, a CLI
 * run, another replica — reach every client, and hands new events to the subscribers of their run. Each subscriber
 * has its own queue and virtual thread: it first sends what the store holds after the client's {@code Last-Event-ID},
 * then what the feed handed it, skipping anything not after the last id sent, so a resumed stream neither loses nor
 * repeats an event (the store numbers events in commit order). A quiet stream gets a keep-alive comment every
 * {@code keepAlive}.
 */
final class EventFeed implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int BATCH = 1000;
    /** A client that falls this far behind is closed; it resumes from its Last-Event-ID. */
    private static final int MAX_QUEUED = 10_000;

    private final Database database;
    private final RunEvents events;
    private final Duration keepAlive;
    private final Map<String, Set<Subscriber>> byRun = new ConcurrentHashMap<>();
    private final Thread poller;
    private volatile boolean closed;
    private long seen;

    EventFeed(Database database, RunEvents events, Duration keepAlive) {
        this.database = database;
        this.events = events;
        this.keepAlive = keepAlive;
        this.seen = database.read(tx -> tx.number("SELECT MAX(seq) FROM run_events"));
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
                List<StoredRunEvent> rows = database.read(tx -> tx.query("SELECT seq, run_id, task_id, at_ms, kind, body "
                        + "FROM run_events WHERE seq > ? ORDER BY seq LIMIT " + BATCH, rs -> new StoredRunEvent(rs.getLong(1),
                        rs.getString(2), rs.getString(3), java.time.Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5),
                        rs.getString(6)), seen));
                for (StoredRunEvent row : rows) {
                    seen = row.seq();
                    Set<Subscriber> subscribers = byRun.get(row.runId());
                    if (subscribers != null) {
                        subscribers.forEach(sub -> sub.offer(row));
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
        private final LinkedBlockingQueue<StoredRunEvent> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
        private volatile boolean stopped;
        private long sent;

        Subscriber(String runId, long afterSeq, SseClient client) {
            this.runId = runId;
            this.sent = afterSeq;
            this.client = client;
        }

        void offer(StoredRunEvent event) {
            if (!queue.offer(event)) {
                stop();
            }
        }

        void run() {
            try {
                for (List<StoredRunEvent> page = events.after(runId, sent, RunEvents.MAX_PAGE); !page.isEmpty();
                     page = events.after(runId, sent, RunEvents.MAX_PAGE)) {
                    page.forEach(this::send);
                }
                while (!stopped && !closed && !client.terminated()) {
                    StoredRunEvent event = queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
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

        private void send(StoredRunEvent event) {
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

package dev.kleiber.store;

import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The typed run events a live stream reads: in order, per run, paged, append-only, on both databases. */
class RunEventsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aReaderPagesThroughARunsEventsInOrderAndSeesOnlyThatRun(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.fresh(kind, tmp), Clock.systemUTC())) {
            RunEvents events = store.runEvents();
            assertThat(events.latestSeq("a")).isZero();
            assertThat(events.after("a", 0, 10)).isEmpty();
            Instant at = Instant.parse("2026-12-07T03:00:00.250Z");
            long first = events.append("a", "t1", at, "TaskStarted", "{\"kind\":\"TaskStarted\"}");
            events.append("b", "", at, "RunFinished", "{}");
            long second = events.append("a", "t1", at.plusMillis(5), "Merged", "{\"kind\":\"Merged\"}");
            long third = events.append("a", "", at.plusMillis(9), "RunFinished", "{\"kind\":\"RunFinished\"}");

            assertThat(first).isLessThan(second);
            assertThat(second).isLessThan(third);
            assertThat(events.latestSeq("a")).isEqualTo(third);
            assertThat(events.after("a", 0, 10)).containsExactly(
                    new StoredRunEvent(first, "a", "t1", at, "TaskStarted", "{\"kind\":\"TaskStarted\"}"),
                    new StoredRunEvent(second, "a", "t1", at.plusMillis(5), "Merged", "{\"kind\":\"Merged\"}"),
                    new StoredRunEvent(third, "a", "", at.plusMillis(9), "RunFinished", "{\"kind\":\"RunFinished\"}"));
            // a reader resumes after the last seq it saw, a page at a time
            assertThat(events.after("a", first, 1)).extracting(StoredRunEvent::seq).containsExactly(second);
            assertThat(events.after("a", second, 1)).extracting(StoredRunEvent::seq).containsExactly(third);
            assertThat(events.after("a", third, 10)).isEmpty();
            assertThat(events.after("b", 0, 10)).extracting(StoredRunEvent::kind).containsExactly("RunFinished");
            assertThatThrownBy(() -> events.after("a", 0, 0)).hasMessageContaining("limit must be at least 1");
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void eventsCannotBeChangedOrDeleted(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.fresh(kind, tmp), Clock.systemUTC())) {
            store.runEvents().append("a", "t", Instant.now(), "TaskStarted", "{}");
            assertThatThrownBy(() -> store.database().write(tx -> tx.update("UPDATE run_events SET body = 'x'")))
                    .isInstanceOf(StoreException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> store.database().write(tx -> tx.update("DELETE FROM run_events")))
                    .isInstanceOf(StoreException.class).hasMessageContaining("append-only");
        }
    }

    /** Writers racing: every reader following along by seq sees every event, none twice, in seq order. */
    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void concurrentWritersLeaveNoGapAFollowingReaderSkips(TestStores.Kind kind) throws Exception {
        try (Store store = Store.open(TestStores.fresh(kind, tmp), Clock.systemUTC());
             ExecutorService pool = Executors.newFixedThreadPool(4)) {
            int perWriter = 25;
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        store.runEvents().append("r", "t" + writer, Instant.now(), "TaskQueued", "{\"i\":" + i + "}");
                    }
                }));
            }
            List<Long> seen = new ArrayList<>();
            long last = 0;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (seen.size() < 4 * perWriter && System.nanoTime() < deadline) {
                for (StoredRunEvent e : store.runEvents().after("r", last, 7)) {
                    seen.add(e.seq());
                    last = e.seq();
                }
            }
            for (Future<?> f : writers) {
                f.get();
            }
            assertThat(store.runEvents().after("r", last, 10)).isEmpty();
            assertThat(seen).doesNotHaveDuplicates().isSorted().hasSize(4 * perWriter);
        }
    }
}

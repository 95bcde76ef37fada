package dev.kleiber.server;

import dev.kleiber.store.Lease;
import dev.kleiber.store.LeaseHolder;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the store says of a run id that names no run, on a real SQLite store: a request whose planner's lease lives is
 * being planned; once that lease is gone (released, expired) it is recorded as never started, once, and a server's
 * start finds every such request.
 */
class StartedRequestsTest {
    @TempDir
    Path tmp;
    private Store store;
    private StartedRequests requests;

    @BeforeEach
    void open() {
        store = Store.open(new StoreUrl.Sqlite(tmp.resolve("state.db")), Clock.systemUTC());
        requests = new StartedRequests(store, Clock.systemUTC(), LeaseHolder.local());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aRequestIsPlannedWhileItsPlannersLeaseLivesAndNeverStartedOnceItIsGone() {
        Lease planner = store.leases().acquire("kleiber-test", Duration.ofMinutes(1));
        requests.planning("run-1", "ops (token)", planner);
        assertThat(requests.standing("run-1")).isEqualTo(new StartedRequests.Standing.Planning("by ops (token)"));
        assertThat(requests.recordedNotStarted("run-1")).isFalse();

        store.leases().release(planner);
        assertThat(requests.standing("run-1")).isEqualTo(new StartedRequests.Standing.NeverStarted(StartedRequests.ABANDONED));
        assertThat(requests.standing("run-1")).isEqualTo(new StartedRequests.Standing.NeverStarted(StartedRequests.ABANDONED));
        assertThat(store.events().ofRun("run-1")).filteredOn(e -> e.kind().equals(RunLauncher.NOT_STARTED_EVENT))
                .singleElement().satisfies(e -> assertThat(e.detail()).isEqualTo(StartedRequests.ABANDONED));
        assertThat(requests.recordedNotStarted("run-1")).isTrue();
        assertThat(requests.standing("run-2")).isEqualTo(new StartedRequests.Standing.Unknown());
    }

    @Test
    void aServersStartRecordsEveryRequestWhosePlannerIsGoneAndNothingElse() throws InterruptedException {
        Lease expired = store.leases().acquire("kleiber-killed", Duration.ofMillis(1));
        Lease live = store.leases().acquire("kleiber-alive", Duration.ofMinutes(1));
        requests.planning("run-orphan", "ops (token)", expired);
        requests.planning("run-planning", "ops (token)", live);
        requests.planning("run-failed", "ops (token)", expired);
        requests.notStarted("run-failed", "planning the request failed: the plan names no task");
        requests.planning("run-planned", "ops (token)", expired);
        store.runs().create("run-planned", "a request that became a run");
        Thread.sleep(5);

        assertThat(requests.abandonOrphans()).containsExactly("run-orphan");
        assertThat(requests.abandonOrphans()).isEmpty();
        assertThat(requests.standing("run-orphan")).isEqualTo(new StartedRequests.Standing.NeverStarted(StartedRequests.ABANDONED));
        assertThat(requests.standing("run-planning")).isInstanceOf(StartedRequests.Standing.Planning.class);
        assertThat(requests.standing("run-failed"))
                .isEqualTo(new StartedRequests.Standing.NeverStarted("planning the request failed: the plan names no task"));
        assertThat(store.events().ofRun("run-planned")).extracting(e -> e.kind())
                .doesNotContain(RunLauncher.NOT_STARTED_EVENT);
    }
}

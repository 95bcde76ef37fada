package dev.kleiber.ledger;

import dev.kleiber.routing.Tier;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A process holding reservations is killed with SIGKILL; once its lease expires the budget is whole again. */
class CrashTest {
    static final long LEASE_MS = 2_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void reservationsOfAKilledProcessAreReleasedWhenItsLeaseExpires(TestStores.Kind kind) throws Exception {
        StoreUrl url = TestStores.fresh(kind, dir);
        String urlText = switch (url) {
            case StoreUrl.Sqlite s -> "sqlite:" + s.file();
            case StoreUrl.Postgresql p -> "postgresql://postgres@" + p.host() + ":" + p.port() + "/" + p.database();
        };
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), urlText, Long.toString(LEASE_MS), "5")
                .redirectError(dir.resolve("child.err").toFile()).start();
        try (Store store = Store.open(url, Clock.systemUTC())) {
            Ledger ledger = new Ledger(store, PriceTable.shipped(), TierModels.DEFAULTS, BudgetLimits.DEFAULTS,
                    Clock.systemUTC());
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).as("child reserved; stderr in " + dir.resolve("child.err")).isEqualTo("HELD");
            }
            BudgetStatus held = ledger.status();
            assertThat(held.reservedUsd()).isEqualByComparingTo("15"); // 5 x (100k x $15/M + 20k x $75/M)
            assertThat(held.remainingUsd()).isEqualByComparingTo("35");

            child.destroyForcibly(); // SIGKILL: no shutdown hook, no release
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            // heartbeats kept the lease alive while the child lived; now it stops being renewed
            Thread.sleep(LEASE_MS + 500);

            BudgetStatus after = ledger.status();
            assertThat(after.reservedUsd()).isZero();
            assertThat(after.remainingUsd()).isEqualByComparingTo("50");
            BudgetGuard survivor = new BudgetGuard(store, PriceTable.shipped(), BudgetLimits.DEFAULTS, Clock.systemUTC(),
                    store.leases().acquire("survivor", Duration.ofMinutes(1)), pause -> { });
            // the whole $50 can be reserved again: 20 calls of $2.50
            for (int i = 0; i < 20; i++) {
                survivor.reserve(new CallContext("r2", "t" + i, 1, "architect", Tier.OPUS), "claude-opus-4-1",
                        100_000, 13_333);
            }
            long reservations = store.database().read(tx -> tx.number("SELECT COUNT(*) FROM reservations"));
            assertThat(reservations).isEqualTo(20);
        } finally {
            child.destroyForcibly();
        }
    }
}

package dev.kleiber.store;

import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The pool after its database went away: every connection is cut and reconnecting fails for a while. Each
 * call fails at once saying so — none waits forever for a connection the pool lost — and once the database
 * takes connections again the pool is whole. And the pool whose connections are all held: a waiter gives up after
 * the bound, saying why, and the pool serves again once they are handed back.
 */
class ConnectionPoolTest {
    @TempDir
    Path dir;

    @Test
    void aPoolWhoseReconnectsFailedRecoversInsteadOfWaitingForever() throws Exception {
        StoreUrl.Postgresql url = (StoreUrl.Postgresql) TestStores.fresh(TestStores.Kind.POSTGRESQL, dir);
        try (Database database = Database.open(url); Connection admin = admin(url)) {
            long runs = database.read(tx -> tx.number("SELECT COUNT(*) FROM runs"));
            assertThat(runs).isZero();

            admin(admin, "ALTER DATABASE " + url.database() + " ALLOW_CONNECTIONS false");
            admin(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + url.database() + "'");

            // more calls than the pool has connections: the old pool dropped one per failed reconnect, then hung
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (int i = 0; i < 3 * Dialect.POSTGRESQL.connections(); i++) {
                    assertThatThrownBy(() -> database.read(tx -> tx.number("SELECT COUNT(*) FROM runs")))
                            .isInstanceOf(StoreException.class).hasMessageContaining("store " + url);
                }
            });

            admin(admin, "ALTER DATABASE " + url.database() + " ALLOW_CONNECTIONS true");
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (int i = 0; i < 2 * Dialect.POSTGRESQL.connections(); i++) {
                    int n = i;
                    database.write(tx -> tx.update("INSERT INTO locks (name, taken) VALUES (?, 0)", "probe-" + n));
                }
            });
            long probes = database.read(tx -> tx.number("SELECT COUNT(*) FROM locks WHERE name LIKE 'probe-%'"));
            assertThat(probes)
                    .isEqualTo(2L * Dialect.POSTGRESQL.connections());
        }
    }

    @Test
    void aCallerWaitsForAHeldConnectionOnlyUpToTheBoundThenFailsSayingWhy() throws Exception {
        StoreUrl url = new StoreUrl.Sqlite(dir.resolve("state.db"));
        try (Database database = Database.open(url, Duration.ofMillis(300));
             ExecutorService holder = Executors.newSingleThreadExecutor()) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // SQLite's pool has one connection: a read that does not end holds it
            Future<Long> slowRead = holder.submit(() -> database.read(tx -> {
                held.countDown();
                await(release);
                return tx.number("SELECT COUNT(*) FROM runs");
            }));
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();

            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                assertThatThrownBy(() -> database.read(tx -> tx.number("SELECT COUNT(*) FROM runs")))
                        .isInstanceOf(StoreException.class)
                        .hasMessage("store " + url + ": no connection free for 300 ms: all 1 of this process's "
                                + "connections are held by transactions that have not ended")
                        .hasCauseInstanceOf(SQLTransientException.class);
            });

            release.countDown();
            assertThat(slowRead.get(30, TimeUnit.SECONDS)).isZero();
            database.write(tx -> tx.update("INSERT INTO locks (name, taken) VALUES (?, 0)", "after"));
            long after = database.read(tx -> tx.number("SELECT COUNT(*) FROM locks WHERE name = 'after'"));
            assertThat(after).isOne();
        }
    }

    @Test
    void aWriteWaitsForTheProcesssWriterTurnOnlyUpToTheBound() throws Exception {
        StoreUrl url = new StoreUrl.Sqlite(dir.resolve("state.db"));
        try (Database database = Database.open(url, Duration.ofMillis(300));
             ExecutorService holder = Executors.newSingleThreadExecutor()) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<Integer> slowWrite = holder.submit(() -> database.write(tx -> {
                held.countDown();
                await(release);
                return tx.update("INSERT INTO locks (name, taken) VALUES (?, 0)", "slow");
            }));
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();

            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                assertThatThrownBy(() -> database.write(tx -> tx.update("INSERT INTO locks (name, taken) VALUES (?, 0)", "fast")))
                        .isInstanceOf(StoreException.class)
                        .hasMessageStartingWith("store " + url + ": no write could start for 300 ms: another write of "
                                + "this process has not ended")
                        .hasCauseInstanceOf(SQLTransientException.class);
            });

            release.countDown();
            assertThat(slowWrite.get(30, TimeUnit.SECONDS)).isOne();
            database.write(tx -> tx.update("INSERT INTO locks (name, taken) VALUES (?, 0)", "fast"));
            long written = database.read(tx -> tx.number("SELECT COUNT(*) FROM locks WHERE name IN ('slow', 'fast')"));
            assertThat(written).isEqualTo(2L);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the held connection");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Connection admin(StoreUrl.Postgresql url) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        return DriverManager.getConnection("jdbc:postgresql://" + url.host() + ":" + url.port() + "/postgres", props);
    }

    private static void admin(Connection admin, String sql) throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute(sql);
        }
    }
}

package dev.kleiber.store;

import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The pool after its database went away: every connection is cut and reconnecting fails for a while. Each
 * call fails at once saying so — none waits forever for a connection the pool lost — and once the database
 * takes connections again the pool is whole.
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

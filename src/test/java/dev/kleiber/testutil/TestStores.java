package dev.kleiber.testutil;

import dev.kleiber.store.Database;
import dev.kleiber.store.StoreUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fresh, empty stores for tests: a SQLite file in a temp folder, or a new database on one embedded PostgreSQL
 * shared by the whole test JVM (started on first use, stopped when the JVM exits) to keep test time down.
 */
public final class TestStores {
    public enum Kind { SQLITE, POSTGRESQL }

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private TestStores() {
    }

    public static StoreUrl fresh(Kind kind, Path dir) {
        return switch (kind) {
            case SQLITE -> new StoreUrl.Sqlite(dir.resolve("state-" + DATABASES.incrementAndGet() + ".db"));
            case POSTGRESQL -> freshPostgresql();
        };
    }

    private static StoreUrl freshPostgresql() {
        EmbeddedPostgres pg = SharedPostgres.INSTANCE.postgres;
        String name = "kleiber_" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " TEMPLATE " + SharedPostgres.TEMPLATE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return new StoreUrl.Postgresql("localhost", pg.getPort(), name, Optional.of("postgres"), Optional.empty());
    }

    /** Holder idiom: the server starts when a PostgreSQL store is first asked for, once per JVM. */
    private static final class SharedPostgres {
        /** A migrated database each test's database is copied from: copying is much faster than migrating. */
        static final String TEMPLATE = "kleiber_template";
        static final SharedPostgres INSTANCE = new SharedPostgres();
        final EmbeddedPostgres postgres;

        private SharedPostgres() {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + TEMPLATE);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create the template database", e);
            }
            Database.open(new StoreUrl.Postgresql("localhost", postgres.getPort(), TEMPLATE, Optional.of("postgres"),
                    Optional.empty())).close();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the temp data folder is removed by the library
                }
            }));
        }
    }
}

package dev.kleiber.store;

import dev.kleiber.Counted;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A migrated database and its connections. Work runs in transactions through {@link #write} and
 * {@link #read}; an {@link SQLException} comes out as a {@link StoreException} naming the store, so a failed
 * read can never pass for an empty answer.
 */
public final class Database implements AutoCloseable {
    /** One unit of work on a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    static final int SQLITE_BUSY_TIMEOUT_MS = 30_000;
    /**
     * How long a caller waits for a connection of this process's pool (and, on SQLite, for the process's writer
     * turn) before it fails saying so. Transactions last milliseconds; one that holds a connection for minutes is
     * a defect, and its victims should say so rather than hang.
     */
    static final Duration CONNECTION_WAIT = Duration.ofMinutes(2);

    private final StoreUrl url;
    /**
     * One permit per connection the pool may hold. A connection that broke is closed and its permit returned,
     * so the next taker opens a new one — or fails saying why — instead of the pool shrinking for good.
     */
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<Connection> idle;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final ReentrantLock writer = new ReentrantLock(true);
    private final Duration connectionWait;
    private volatile boolean closed;

    private Database(StoreUrl url, List<Connection> connections, Duration connectionWait) {
        this.url = url;
        this.connectionWait = connectionWait;
        this.permits = new Semaphore(connections.size(), true);
        this.idle = new ConcurrentLinkedDeque<>(connections);
        this.open.addAll(connections);
    }

    /** Opens the store, creating the SQLite file's folder when needed, and brings its schema up to date. */
    public static Database open(StoreUrl url) {
        return open(url, CONNECTION_WAIT);
    }

    /** {@link #open(StoreUrl)} with its own bound on the wait for a connection. */
    static Database open(StoreUrl url, Duration connectionWait) {
        try {
            if (url instanceof StoreUrl.Sqlite sqlite && sqlite.file().getParent() != null) {
                Files.createDirectories(sqlite.file().getParent());
            }
        } catch (IOException e) {
            throw new StoreException("store " + url + ": cannot create its folder: " + e.getMessage(), e);
        }
        Migration.run(url, () -> migrate(url));
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < url.dialect().connections(); i++) {
                connections.add(connect(url));
            }
        } catch (SQLException e) {
            connections.forEach(Database::closeQuietly);
            throw new StoreException("store " + url + ": cannot connect: " + e.getMessage(), e);
        }
        return new Database(url, connections, connectionWait);
    }

    private static void migrate(StoreUrl url) {
        try {
            Flyway.configure()
                    .dataSource(dataSource(url))
                    .locations(url.dialect().migrations())
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StoreException("store " + url + ": cannot bring the schema up to date: " + firstLine(e.getMessage())
                    + rootCause(e).map(cause -> " (" + cause + ")").orElse(""), e);
        }
    }

    /** Flyway's connections: on SQLite with the same busy timeout as the pool's, so a concurrent reader waits. */
    private static DataSource dataSource(StoreUrl url) {
        return switch (url) {
            case StoreUrl.Sqlite sqlite -> {
                org.sqlite.SQLiteDataSource source = new org.sqlite.SQLiteDataSource(sqliteConfig());
                source.setUrl(sqlite.jdbcUrl());
                yield source;
            }
            case StoreUrl.Postgresql pg -> {
                org.postgresql.ds.PGSimpleDataSource source = new org.postgresql.ds.PGSimpleDataSource();
                source.setUrl(pg.jdbcUrl());
                pg.user().ifPresent(source::setUser);
                pg.password().ifPresent(source::setPassword);
                yield source;
            }
        };
    }

    /** Flyway's messages run to a page of boilerplate; the first line says what went wrong. */
    private static String firstLine(String message) {
        return message == null ? "" : message.strip().lines().filter(l -> !l.isBlank() && !l.startsWith("-"))
                .findFirst().orElse(message.strip());
    }

    private static java.util.Optional<String> rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e || cause.getMessage() == null ? java.util.Optional.empty()
                : java.util.Optional.of(cause.getMessage().strip().lines().findFirst().orElse(""));
    }

    private static SQLiteConfig sqliteConfig() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MS);
        config.enforceForeignKeys(true);
        return config;
    }

    private static Connection connect(StoreUrl url) throws SQLException {
        return switch (url) {
            case StoreUrl.Sqlite sqlite -> {
                SQLiteConfig config = sqliteConfig();
                // Every transaction takes the write lock at BEGIN, so a read-then-write (a claim, a
                // reservation) can never be overtaken by another process between its read and its write.
                config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
                yield DriverManager.getConnection(sqlite.jdbcUrl(), config.toProperties());
            }
            case StoreUrl.Postgresql pg -> {
                Connection connection = DriverManager.getConnection(pg.jdbcUrl(), credentials(pg));
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                yield connection;
            }
        };
    }

    private static Properties credentials(StoreUrl url) {
        Properties props = new Properties();
        if (url instanceof StoreUrl.Postgresql pg) {
            pg.user().ifPresent(u -> props.setProperty("user", u));
            pg.password().ifPresent(p -> props.setProperty("password", p));
        }
        return props;
    }

    public Dialect dialect() {
        return url.dialect();
    }

    public StoreUrl url() {
        return url;
    }

    /**
     * Runs {@code work} in one transaction and commits it; rolls back on any exception. On SQLite the
     * transaction holds the database's write lock from its start ({@code BEGIN IMMEDIATE}).
     */
    public <T> T write(Work<T> work) {
        boolean single = dialect().singleWriter();
        if (single) {
            awaitWriterTurn();
        }
        try {
            return inTransaction(work);
        } finally {
            if (single) {
                writer.unlock();
            }
        }
    }

    /** Runs read-only {@code work}, each statement seeing the latest committed data. */
    public <T> T read(Work<T> work) {
        Connection connection = take();
        boolean healthy = true;
        try {
            connection.setAutoCommit(true);
            return work.run(new Tx(connection, dialect()));
        } catch (SQLException e) {
            healthy = isValid(connection);
            throw new StoreException("store " + url + ": read failed: " + e.getMessage(), e);
        } finally {
            giveBack(connection, healthy);
        }
    }

    private <T> T inTransaction(Work<T> work) {
        Connection connection = take();
        boolean healthy = true;
        try {
            connection.setAutoCommit(false);
            T result = work.run(new Tx(connection, dialect()));
            connection.commit();
            return result;
        } catch (SQLException e) {
            healthy = rollback(connection);
            throw new StoreException("store " + url + ": write failed: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            healthy = rollback(connection);
            throw e;
        } finally {
            // sqlite-jdbc begins the next transaction (and so takes the write lock again) right after a commit
            // or rollback; back in autocommit mode the connection holds no lock while idle in the pool.
            giveBack(connection, healthy && endTransaction(connection));
        }
    }

    private static boolean endTransaction(Connection connection) {
        try {
            connection.setAutoCommit(true);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** This process's turn to write (SQLite has one writer), waited for no longer than the pool's bound. */
    private void awaitWriterTurn() {
        try {
            if (!writer.tryLock(connectionWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new StoreException("store " + url + ": no write could start for " + describe(connectionWait)
                        + ": another write of this process has not ended (" + writer.getQueueLength()
                        + " more waiting)", busy("writer turn not free"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("store " + url + ": interrupted while waiting to write", e);
        }
    }

    private Connection take() {
        long deadline = System.nanoTime() + connectionWait.toNanos();
        try {
            // short polls so that a close() wakes a waiter at once
            while (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    throw new StoreException("store " + url + " is closed", new IllegalStateException("closed"));
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new StoreException("store " + url + ": no connection free for " + describe(connectionWait)
                            + ": all " + dialect().connections() + " of this process's connections are held by "
                            + "transactions that have not ended", busy("no pooled connection free"));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("store " + url + ": interrupted while waiting for a connection", e);
        }
        if (closed) {
            // a closed store never opens a connection again, even with permits free
            permits.release();
            throw new StoreException("store " + url + " is closed", new IllegalStateException("closed"));
        }
        Connection connection = idle.pollFirst();
        if (connection != null) {
            return connection;
        }
        // a connection broke earlier and was dropped: open its replacement now
        try {
            connection = connect(url);
            open.add(connection);
            return connection;
        } catch (SQLException e) {
            permits.release();
            throw new StoreException("store " + url + ": cannot reconnect: " + e.getMessage(), e);
        }
    }

    private void giveBack(Connection connection, boolean healthy) {
        if (healthy && !closed) {
            idle.addFirst(connection);
        } else {
            open.remove(connection);
            closeQuietly(connection);
        }
        permits.release();
    }

    /**
     * The cause of a wait that ran out: a transient connection exception (SQLState class 08), so that the conductor
     * retries the step with backoff instead of failing the task for good.
     */
    private static SQLTransientException busy(String what) {
        return new SQLTransientException(what, "08001");
    }

    private static String describe(Duration wait) {
        return wait.toSeconds() >= 60 && wait.toSecondsPart() == 0 ? Counted.of(wait.toMinutes(), "minute")
                : wait.toMillis() % 1000 == 0 ? Counted.of(wait.toSeconds(), "second") : wait.toMillis() + " ms";
    }

    private static boolean rollback(Connection connection) {
        try {
            connection.rollback();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static boolean isValid(Connection connection) {
        try {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing a broken connection has nothing left to report
        }
    }

    @Override
    public void close() {
        closed = true;
        open.forEach(Database::closeQuietly);
        open.clear();
        idle.clear();
    }
}

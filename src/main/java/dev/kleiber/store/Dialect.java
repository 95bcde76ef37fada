package dev.kleiber.store;

/**
 * The few things SQLite and PostgreSQL do differently, named in one place. Everything else — every query —
 * is the same SQL on both.
 */
enum Dialect {
    /**
     * One writer at a time: in this process writes queue on a lock, across processes {@code BEGIN IMMEDIATE}
     * takes the database's write lock before the first read, and the busy timeout waits for it.
     */
    SQLITE("classpath:dev/kleiber/store/migration/sqlite", 1, true),
    /**
     * Many writers: a transaction that must see a consistent total (a reservation) first takes a row lock on its
     * {@code locks} row, which serialises it against every other such transaction; claims lock only the task's row
     * and skip rows another claimer holds ({@code FOR UPDATE SKIP LOCKED}).
     */
    POSTGRESQL("classpath:dev/kleiber/store/migration/postgresql", 8, false);

    private final String migrations;
    private final int connections;
    private final boolean singleWriter;

    Dialect(String migrations, int connections, boolean singleWriter) {
        this.migrations = migrations;
        this.connections = connections;
        this.singleWriter = singleWriter;
    }

    String migrations() {
        return migrations;
    }

    int connections() {
        return connections;
    }

    boolean singleWriter() {
        return singleWriter;
    }
}

package dev.kleiber.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Brings a store's schema up to date one process at a time. Flyway's own lock does not hold on SQLite: eight
 * processes opening a fresh file at once raced inside the first migration and one died with SQLITE_BUSY. So
 * on SQLite the migration runs under an exclusive lock on a file beside the database ({@code state.db.migrating}),
 * which the OS releases when a holder dies; PostgreSQL serialises Flyway itself with an advisory lock.
 */
final class Migration {
    static final Duration WAIT = Duration.ofMinutes(2);
    private static final long POLL_MS = 50;

    private Migration() {
    }

    static void run(StoreUrl url, Runnable migrate) {
        if (!(url instanceof StoreUrl.Sqlite sqlite)) {
            migrate.run();
            return;
        }
        Path lockFile = sqlite.file().resolveSibling(sqlite.file().getFileName() + ".migrating");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = acquire(channel, url, lockFile)) {
            migrate.run();
        } catch (IOException e) {
            throw new StoreException("store " + url + ": cannot lock " + lockFile + " to migrate the schema: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Waits for the lock. Another process holding it makes {@code tryLock} answer null; another thread of this JVM
     * (each opens its own channel) makes it throw: both mean wait.
     */
    private static FileLock acquire(FileChannel channel, StoreUrl url, Path lockFile) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return lock;
                }
            } catch (OverlappingFileLockException held) {
                // a thread of this process migrates the same file; it will be done soon
            }
            if (System.nanoTime() > deadline) {
                throw new StoreException("store " + url + ": another process has been migrating the schema for over "
                        + WAIT.toMinutes() + " minutes (it holds " + lockFile + "); is a kleiber process stuck?",
                        new IllegalStateException("migration lock held"));
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("store " + url + ": interrupted while waiting to migrate the schema", e);
            }
        }
    }
}

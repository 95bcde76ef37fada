package dev.kleiber.cli;

import dev.kleiber.KleiberException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One {@code kleiber worker} per cache folder: the worker clears the worktrees it finds there at start, which is
 * right only when no other live process works in them. The operating system drops the lock when the process dies,
 * however it dies, so a worker restarted after {@code kill -9} takes it again.
 */
final class CacheLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private CacheLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static CacheLock take(Path cache) {
        FileChannel channel = null;
        try {
            Files.createDirectories(cache);
            channel = FileChannel.open(cache.resolve("worker.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw busy(cache, channel);
            }
            return new CacheLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            throw busy(cache, channel);
        } catch (IOException e) {
            close(channel);
            throw KleiberException.badInput("cannot lock the worker cache " + cache + ": " + e.getMessage());
        }
    }

    private static KleiberException busy(Path cache, FileChannel channel) {
        close(channel);
        return KleiberException.badInput("another kleiber worker uses the cache " + cache
                + "; give each worker on this machine its own --cache DIR");
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was locked through it
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the channel, or with the process
        }
    }
}

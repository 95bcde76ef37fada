package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.git.RemoteGit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where this machine keeps its clones of shared git remotes ({@code $XDG_CACHE_HOME/kleiber}, else
 * {@code ~/.cache/kleiber}, or a worker's {@code --cache}): one folder per remote, named by a hash of its URL so no
 * credential reaches a folder name. A worker works in {@code remote-HASH}; a person's review of a remote run's task
 * ({@link RemoteReview}) and the run's conductor ({@link RemoteRunWorkspace}) in {@code review/remote-HASH}, beside
 * it, so neither waits for a worker on the same machine, nor clears its worktrees.
 */
public final class RemoteCache {
    private static final Duration GIT_TIMEOUT = Duration.ofMinutes(10);

    private final Optional<Path> folder;
    private final Supplier<Optional<RemoteGit.Credentials>> credentials;
    private final Duration patience;

    /**
     * @param folder      the cache folder; empty when neither {@code $XDG_CACHE_HOME} nor {@code $HOME} names one
     * @param credentials what an https remote asks for, given to git in its environment only; read when a remote is
     *                    first reached, so a misconfigured setting never stops the review of a run on one machine
     * @param patience    how long a review waits for another review on this machine to leave the clone
     */
    public RemoteCache(Optional<Path> folder, Supplier<Optional<RemoteGit.Credentials>> credentials, Duration patience) {
        this.folder = folder;
        this.credentials = credentials;
        this.patience = patience;
    }

    Duration patience() {
        return patience;
    }

    /** The folder of {@code remote} in a cache: {@code remote-} and 16 hex digits of the URL's SHA-256. */
    public static String folderOf(String remote) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(remote.getBytes(StandardCharsets.UTF_8));
            return "remote-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Where reviews of {@code remote}'s tasks keep its clone and scratch worktrees. */
    Path reviewFolder(String remote) {
        return folder.orElseThrow(() -> KleiberException.badInput("reviewing a task of a run on the workers of "
                        + remote + " needs a cache for the remote's clone: set $XDG_CACHE_HOME or $HOME"))
                .resolve("review").resolve(folderOf(remote));
    }

    /** The review clone of {@code remote}, cloned on first use. Hold {@link #lock} while using it. */
    RemoteGit open(String remote) {
        return RemoteGit.open(remote, reviewFolder(remote).resolve("repo"), GIT_TIMEOUT, credentials.get());
    }

    /** The review clone's folder for scratch worktrees (the merge, its records). */
    Path worktrees(String remote) {
        return reviewFolder(remote).resolve("worktrees");
    }

    /**
     * The review clone of {@code remote} for this caller alone, across processes (a CLI approval beside a server's)
     * and threads (two API requests): waits up to {@link #patience} for another review to end.
     */
    Lock lock(String remote) {
        Path folder = reviewFolder(remote);
        long until = System.nanoTime() + patience.toNanos();
        try {
            Files.createDirectories(folder);
            while (true) {
                FileChannel channel = FileChannel.open(folder.resolve("review.lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                try {
                    FileLock lock = channel.tryLock();
                    if (lock != null) {
                        return new Lock(channel, lock);
                    }
                } catch (OverlappingFileLockException e) {
                    // another thread of this process reviews in it: wait as for another process
                }
                channel.close();
                if (System.nanoTime() > until) {
                    throw KleiberException.failed("waited " + patience.toSeconds() + " s for another review of a task of "
                            + remote + " on this machine to end (" + folder + ")");
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw KleiberException.failed("cannot lock the review cache " + folder + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KleiberException.failed("interrupted while waiting for the review cache " + folder, e);
        }
    }

    /** A held review clone; closing it lets the next review in. */
    record Lock(FileChannel channel, FileLock lock) implements AutoCloseable {
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
}

package dev.kleiber.protocol;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches {@code tasks/}, {@code progress/}, {@code complete/} and {@code blocked/} under a repository root and
 * reports each complete version of each protocol file once, whoever wrote it.
 *
 * <p>Changes are noticed by the JDK {@link WatchService} and, because that can miss events (overflow, network
 * file systems, platforms that poll), by a periodic rescan of sizes and modification times. A noticed file is
 * read again until its bytes stay the same for the debounce window; only then is it parsed and reported, so a
 * file someone is still writing is never reported half-written, nor as invalid. Versions are told apart by the
 * SHA-256 of their bytes. Events reach the listener one at a time, in order, on the watcher's own thread.
 */
public final class ProtocolWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolWatcher.class);
    private static final String UNSEEN = "";

    /**
     * {@code debounce}: how long a file's bytes must stay the same before it is reported. {@code rescanInterval}:
     * how often sizes and times are compared as a fallback. {@code useWatchService}: false leaves only the rescan.
     */
    public record Options(Duration debounce, Duration rescanInterval, boolean useWatchService) {
        public Options {
            if (debounce.isNegative() || debounce.isZero() || rescanInterval.isNegative() || rescanInterval.isZero()) {
                throw new IllegalArgumentException("debounce and rescan interval must be positive");
            }
        }

        /** 100 ms debounce, rescan every 250 ms, with the WatchService. */
        public static Options defaults() {
            return new Options(Duration.ofMillis(100), Duration.ofMillis(250), true);
        }

        /** These options without the WatchService: only the periodic rescan notices changes. */
        public Options rescanOnly() {
            return new Options(debounce, rescanInterval, false);
        }
    }

    private final Path root;
    private final ProtocolParser parser;
    private final Options options;
    private final Consumer<ProtocolEvent> listener;
    private final ScheduledExecutorService scheduler;
    private final Optional<WatchService> watchService;
    private final Optional<Thread> watchThread;
    private final Set<Path> hints = ConcurrentHashMap.newKeySet();
    private final Set<Path> registered = ConcurrentHashMap.newKeySet();
    private volatile boolean rescanRequested = true;

    // Touched only on the scheduler thread.
    private final Map<Path, Tracked> tracked = new HashMap<>();
    private final Set<Path> pending = new HashSet<>();
    private long nextRescan;

    private static final class Tracked {
        FileStamp stamp = new FileStamp(-1, FileTime.fromMillis(0));
        String observedHash = UNSEEN;
        long observedAt;
        String emittedHash = UNSEEN;
    }

    private record FileStamp(long size, FileTime modified) {
    }

    private ProtocolWatcher(Path root, ProtocolParser parser, Options options, Consumer<ProtocolEvent> listener)
            throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.parser = Objects.requireNonNull(parser, "parser");
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.watchService = options.useWatchService()
                ? Optional.of(this.root.getFileSystem().newWatchService()) : Optional.empty();
        this.watchThread = watchService.map(service -> {
            Thread thread = new Thread(() -> watch(service), "kleiber-protocol-watch");
            thread.setDaemon(true);
            return thread;
        });
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kleiber-protocol-watcher");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts watching the protocol folders under {@code root}. Files already there are reported too (each is a
     * version this watcher has not seen). Close the watcher to stop its threads.
     */
    public static ProtocolWatcher start(Path root, ProtocolParser parser, Options options,
                                        Consumer<ProtocolEvent> listener) throws IOException {
        ProtocolWatcher watcher = new ProtocolWatcher(root, parser, options, listener);
        watcher.registerFolders();
        watcher.watchThread.ifPresent(Thread::start);
        long tick = Math.max(5, Math.min(25, options.debounce().toMillis() / 4));
        watcher.scheduler.scheduleWithFixedDelay(watcher::tick, 0, tick, TimeUnit.MILLISECONDS);
        return watcher;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        watchService.ifPresent(service -> {
            try {
                service.close();
            } catch (IOException e) {
                LOG.warn("closing the protocol watch service failed: {}", e.getMessage());
            }
        });
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
            if (watchThread.isPresent()) {
                watchThread.get().join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the WatchService thread: turns events into hints ----

    private void watch(WatchService service) {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            }
            Path folder = (Path) key.watchable();
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    rescanRequested = true;
                } else {
                    hints.add(folder.resolve((Path) event.context()));
                }
            }
            if (!key.reset()) {
                registered.remove(folder);
            }
        }
    }

    private void register(Path folder) {
        if (watchService.isEmpty() || registered.contains(folder)) {
            return;
        }
        try {
            folder.register(watchService.get(), StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            registered.add(folder);
        } catch (ClosedWatchServiceException e) {
            // Closing: nothing more to watch.
        } catch (IOException e) {
            // Gone or unreadable: the rescan keeps looking.
            LOG.debug("cannot watch {}: {}", folder, e.getMessage());
        }
    }

    /** Registers the root, the kind folders and their agent folders that exist now. */
    private void registerFolders() {
        register(root);
        for (Kind kind : Kind.values()) {
            Path kindFolder = root.resolve(kind.folder());
            if (Files.isDirectory(kindFolder, LinkOption.NOFOLLOW_LINKS)) {
                register(kindFolder);
                subfolders(kindFolder).forEach(this::register);
            }
        }
    }

    // ---- the scheduler thread: rescans, reads, debounces, reports ----

    private void tick() {
        try {
            long now = System.nanoTime();
            if (rescanRequested || now - nextRescan >= 0) {
                rescanRequested = false;
                nextRescan = now + options.rescanInterval().toNanos();
                rescan();
            }
            drainHints();
            for (Path file : List.copyOf(pending)) {
                settle(file);
            }
        } catch (RuntimeException e) {
            LOG.warn("protocol watcher: {}", e.toString(), e);
        }
    }

    private void rescan() {
        registerFolders();
        Set<Path> seen = new HashSet<>();
        for (Kind kind : Kind.values()) {
            Path kindFolder = root.resolve(kind.folder());
            if (!Files.isDirectory(kindFolder, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            for (Path agentFolder : subfolders(kindFolder)) {
                for (Path file : protocolFiles(agentFolder)) {
                    seen.add(file);
                    Tracked known = tracked.get(file);
                    if (known == null || !stamp(file).equals(Optional.of(known.stamp))) {
                        pending.add(file);
                    }
                }
            }
        }
        for (Path file : tracked.keySet()) {
            if (!seen.contains(file)) {
                pending.add(file);
            }
        }
    }

    private void drainHints() {
        for (Path hint : List.copyOf(hints)) {
            hints.remove(hint);
            if (!hint.startsWith(root)) {
                continue;
            }
            int depth = root.relativize(hint).getNameCount();
            if (depth == 3 && isProtocolFile(hint)) {
                pending.add(hint);
            } else if ((depth == 1 || depth == 2) && Files.isDirectory(hint, LinkOption.NOFOLLOW_LINKS)
                    && Kind.ofFolder(root.relativize(hint).getName(0).toString()).isPresent()) {
                // A new kind or agent folder: watch it, and pick up what was written before the watch began.
                register(hint);
                List<Path> agentFolders = depth == 1 ? subfolders(hint) : List.of(hint);
                for (Path agentFolder : agentFolders) {
                    register(agentFolder);
                    pending.addAll(protocolFiles(agentFolder));
                }
            }
        }
    }

    /** Reads {@code file}; reports it once its bytes have stayed the same for the debounce window. */
    private void settle(Path file) {
        Tracked state = tracked.computeIfAbsent(file, f -> new Tracked());
        Optional<FileStamp> stamp = stamp(file);
        byte[] bytes;
        String hash;
        try {
            bytes = ProtocolFiles.readBytes(file);
            hash = sha256(bytes);
        } catch (NoSuchFileException e) {
            gone(file, state);
            return;
        } catch (IOException e) {
            bytes = new byte[0];
            hash = "unreadable: " + e.getMessage();
        }
        if (stamp.isEmpty()) {
            gone(file, state);
            return;
        }
        state.stamp = stamp.get();
        long now = System.nanoTime();
        if (!hash.equals(state.observedHash)) {
            state.observedHash = hash;
            state.observedAt = now;
            return;
        }
        if (now - state.observedAt < options.debounce().toNanos()) {
            return;
        }
        pending.remove(file);
        if (hash.equals(state.emittedHash)) {
            return;
        }
        state.emittedHash = hash;
        emit(report(file, bytes, hash));
    }

    private ProtocolEvent report(Path file, byte[] bytes, String hash) {
        FileLocation location = FileLocation.of(root.relativize(file)).orElseThrow();
        if (hash.startsWith("unreadable: ")) {
            return new ProtocolEvent.Rejected(file, List.of(new Problem(1, "cannot read the file: "
                    + hash.substring("unreadable: ".length()))), hash);
        }
        ParseResult result = switch (FileText.decode(bytes)) {
            case FileText.Decoded.Text text -> parser.parse(text.text(), location);
            case FileText.Decoded.Refused refused -> new ParseResult.Rejected(List.of(refused.problem()));
        };
        return switch (result) {
            case ParseResult.Parsed parsed -> new ProtocolEvent.Accepted(file, parsed.document(), hash);
            case ParseResult.Rejected rejected -> new ProtocolEvent.Rejected(file, rejected.problems(), hash);
        };
    }

    private void gone(Path file, Tracked state) {
        pending.remove(file);
        tracked.remove(file);
        if (!state.emittedHash.equals(UNSEEN)) {
            emit(new ProtocolEvent.Removed(file));
        }
    }

    private void emit(ProtocolEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("protocol watcher listener failed on {}: {}", event.path(), e.toString(), e);
        }
    }

    // ---- file system helpers ----

    private boolean isProtocolFile(Path file) {
        return FileLocation.of(root.relativize(file)).isPresent();
    }

    private List<Path> protocolFiles(Path agentFolder) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(agentFolder)) {
            for (Path entry : entries) {
                if (isProtocolFile(entry) && !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    files.add(entry);
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", agentFolder, e.getMessage());
        }
        return files;
    }

    private static List<Path> subfolders(Path folder) {
        List<Path> folders = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) && !entry.getFileName().toString().startsWith(".")) {
                    folders.add(entry);
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", folder, e.getMessage());
        }
        return folders;
    }

    private static Optional<FileStamp> stamp(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return Optional.of(new FileStamp(attributes.size(), attributes.lastModifiedTime()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

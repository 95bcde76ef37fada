package dev.kleiber.conductor;

import dev.kleiber.AtomicFiles;
import dev.kleiber.KleiberException;
import dev.kleiber.protocol.BlockedFile;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.protocol.FileText;
import dev.kleiber.protocol.Kind;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.ProtocolFiles;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.store.Claim;
import dev.kleiber.store.Event;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * How the blocked files of a run on many machines reach its conductor. A {@code kleiber worker} writes a blocked file
 * (the agent's {@code report_blocked}, retries exhausted, nothing to change, a merge conflict) into its own cache,
 * where nobody answers it; so once the attempt has ended with its task blocked under this claim, the worker
 * {@link #publish publishes} the file's text to the shared store, and the run's conductor ({@code kleiber run
 * --remote}, {@code kleiber resume}) {@link #receive receives} it into its checkout, where its {@link BlockedDesk}
 * answers it and a person's {@code kleiber answer} rewrites it, as on one machine.
 */
public final class RemoteBlocked {
    /** The store event that carries a blocked file's text from a worker to the conductor. */
    public static final String EVENT = "worker.blocked_file";
    /** The store event that says which sent file (its event's seq) the conductor wrote into its checkout. */
    static final String RECEIVED_EVENT = "conductor.blocked_file_received";

    private RemoteBlocked() {
    }

    /** Removes what an earlier attempt at the claimed task left in this worker's checkout: this attempt's file is new. */
    public static void clear(Path root, Claim claim) {
        try {
            Files.deleteIfExists(fileOf(root, claim.task()));
        } catch (IOException e) {
            throw KleiberException.failed("cannot remove the old blocked file of " + claim.task().id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * After {@code claim}'s attempt: when this claim left its task blocked with a blocked file in {@code root}, the
     * file's text goes to the store for the conductor, and the file leaves this worker's checkout. A file that is not a blocked file of this task (too big, not text, not parseable) is not sent:
     * the conductor would ignore it, and the task stays blocked for a person, as {@code kleiber status} shows.
     */
    public static void publish(Store store, Path root, Claim claim, Set<String> roles) {
        TaskRecord task = store.tasks().find(claim.task().runId(), claim.task().id()).orElseThrow();
        Path file = fileOf(root, task);
        if (task.state() != TaskState.BLOCKED || task.fence() != claim.lease().fence() || !Files.isRegularFile(file)) {
            return;
        }
        try {
            Optional<String> text = blockedText(file, task, roles);
            if (text.isPresent()) {
                store.events().append(task.runId(), task.id(), EVENT, text.get());
            }
            Files.delete(file);
        } catch (IOException e) {
            throw KleiberException.failed("cannot send the blocked file of " + task.id() + " to the conductor: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Writes into the conductor's checkout ({@code root}) the newest blocked file a worker published for each blocked
     * task of {@code runId}, once: a file the conductor has answered, or a person rewrote, is not replaced by the same
     * file again, only by a newer one (the task blocked again). Which one was received is kept in the store, so no
     * clock of any machine decides it.
     */
    public static void receive(Store store, Path root, String runId, Set<String> roles) {
        for (TaskRecord task : store.tasks().ofRun(runId)) {
            if (task.state() != TaskState.BLOCKED) {
                continue;
            }
            Optional<Event> sent = Optional.empty();
            long received = -1;
            for (Event event : store.events().ofTask(runId, task.id())) {
                if (event.kind().equals(EVENT)) {
                    sent = Optional.of(event);
                } else if (event.kind().equals(RECEIVED_EVENT)) {
                    received = Long.parseLong(event.detail());
                }
            }
            Path file = fileOf(root, task);
            if (sent.isEmpty() || sent.get().seq() <= received && Files.isRegularFile(file)
                    || parse(sent.get().detail(), task, roles).isEmpty()) {
                continue;
            }
            try {
                AtomicFiles.write(file, sent.get().detail());
            } catch (IOException e) {
                throw KleiberException.failed("cannot write the blocked file of " + task.id() + " into "
                        + root.relativize(file) + ": " + e.getMessage(), e);
            }
            store.events().append(runId, task.id(), RECEIVED_EVENT, Long.toString(sent.get().seq()));
        }
    }

    /**
     * The blocked tasks of {@code runId} whose blocked file has not reached the conductor's checkout: not sent yet (a
     * worker sends it just after its task moved to blocked, so a conductor that looks in between waits for it), or
     * sent but not {@link #receive}d. A stop for the environment writes no file.
     */
    public static Set<String> notReceived(Store store, String runId) {
        Set<String> environment = Conductor.environmentStops(store, runId).keySet();
        Set<String> waiting = new java.util.TreeSet<>();
        for (TaskRecord task : store.tasks().ofRun(runId)) {
            if (task.state() != TaskState.BLOCKED || environment.contains(task.id())) {
                continue;
            }
            long blocked = -1;
            long received = -1;
            for (Event event : store.events().ofTask(runId, task.id())) {
                if (event.kind().equals("task." + TaskState.BLOCKED.id())) {
                    blocked = event.seq();
                } else if (event.kind().equals(RECEIVED_EVENT)) {
                    received = Long.parseLong(event.detail());
                }
            }
            // the file received was sent after the task's last move to blocked: it is this block's
            if (blocked > received) {
                waiting.add(task.id());
            }
        }
        return waiting;
    }

    private static Optional<String> blockedText(Path file, TaskRecord task, Set<String> roles) throws IOException {
        return ProtocolFiles.read(file) instanceof FileText.Decoded.Text text && parse(text.text(), task, roles).isPresent()
                ? Optional.of(text.text()) : Optional.empty();
    }

    private static Optional<BlockedFile> parse(String text, TaskRecord task, Set<String> roles) {
        return new ProtocolParser(roles).parse(text, location(task)) instanceof ParseResult.Parsed parsed
                && parsed.document() instanceof BlockedFile blocked ? Optional.of(blocked) : Optional.empty();
    }

    private static FileLocation location(TaskRecord task) {
        return new FileLocation(Kind.BLOCKED, task.agent(), task.id());
    }

    private static Path fileOf(Path root, TaskRecord task) {
        return root.resolve(location(task).relativePath());
    }
}

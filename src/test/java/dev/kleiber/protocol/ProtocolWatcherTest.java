package dev.kleiber.protocol;

import dev.kleiber.routing.Tier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static dev.kleiber.protocol.Examples.PARSER;
import static org.assertj.core.api.Assertions.assertThat;

class ProtocolWatcherTest {
    private static final ProtocolWatcher.Options OPTIONS = ProtocolWatcher.Options.defaults();

    @TempDir
    Path root;

    private final ConcurrentLinkedQueue<ProtocolEvent> events = new ConcurrentLinkedQueue<>();

    private static TaskFile task(String id, String agent, Priority priority) {
        return new TaskFile(id, agent, Tier.SONNET, priority, OffsetDateTime.parse("2025-01-09T14:30:00Z"),
                "Build " + id + ".\n\n" + "A longer description line that makes the file a few kilobytes. ".repeat(40).strip(),
                List.of(new CheckItem("It works", false)), "", "", List.of(), List.of());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code text} in place the way a person's editor or a slow outside agent might: in pieces, with pauses. */
    private static void writeInPieces(Path file, String text) throws IOException, InterruptedException {
        Files.createDirectories(file.getParent());
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int third = bytes.length / 3;
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(bytes, 0, third);
            out.flush();
            Thread.sleep(20);
            out.write(bytes, third, third);
            out.flush();
            Thread.sleep(20);
            out.write(bytes, 2 * third, bytes.length - 2 * third);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private Map<Path, List<ProtocolEvent>> byPath() {
        return events.stream().collect(Collectors.groupingBy(ProtocolEvent::path, Collectors.toList()));
    }

    @ParameterizedTest(name = "watch service: {0}")
    @ValueSource(booleans = {true, false})
    void filesWrittenFromOtherThreadsAreEachReportedOnceAndNeverHalfRead(boolean watchService) throws Exception {
        Files.createDirectories(root.resolve("tasks/engineer-backend"));
        ProtocolWatcher.Options options = watchService ? OPTIONS : OPTIONS.rescanOnly();
        Map<Path, String> finalText = new ConcurrentHashMap<>();
        int writers = 4;
        int filesPerWriter = 12;
        try (ProtocolWatcher ignored = ProtocolWatcher.start(root, PARSER, options, events::add)) {
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    go.await();
                    // A new agent folder appears while the watcher runs.
                    String agent = writer % 2 == 0 ? "engineer-backend" : "engineer-frontend";
                    for (int i = 0; i < filesPerWriter; i++) {
                        TaskFile task = task("w" + writer + "-" + i, agent, Priority.P1);
                        String text = ProtocolRenderer.render(task);
                        Path file = root.resolve(task.location().relativePath());
                        finalText.put(file, text);
                        if (i % 2 == 0) {
                            ProtocolFiles.write(root, task);
                        } else {
                            writeInPieces(file, text);
                        }
                        Thread.sleep(5);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            await(() -> events.size() >= writers * filesPerWriter);
            Thread.sleep(3 * options.rescanInterval().toMillis() + options.debounce().toMillis());
        }

        Map<Path, List<ProtocolEvent>> reported = byPath();
        assertThat(reported.keySet()).containsExactlyInAnyOrderElementsOf(finalText.keySet());
        for (Map.Entry<Path, List<ProtocolEvent>> entry : reported.entrySet()) {
            assertThat(entry.getValue()).as("events for %s", entry.getKey()).hasSize(1);
            ProtocolEvent event = entry.getValue().get(0);
            assertThat(event).as("%s", event).isInstanceOf(ProtocolEvent.Accepted.class);
            ProtocolEvent.Accepted accepted = (ProtocolEvent.Accepted) event;
            assertThat(accepted.contentHash()).isEqualTo(sha256(finalText.get(entry.getKey())));
            assertThat(ProtocolRenderer.render(accepted.document())).isEqualTo(finalText.get(entry.getKey()));
        }
    }

    @ParameterizedTest(name = "watch service: {0}")
    @ValueSource(booleans = {true, false})
    void reportsEachNewVersionThenTheRemoval(boolean watchService) throws Exception {
        TaskFile first = task("feat-001", "engineer-backend", Priority.P1);
        TaskFile second = task("feat-001", "engineer-backend", Priority.P0);
        ProtocolWatcher.Options options = watchService ? OPTIONS : OPTIONS.rescanOnly();
        try (ProtocolWatcher ignored = ProtocolWatcher.start(root, PARSER, options, events::add)) {
            Path file = ProtocolFiles.write(root, first);
            await(() -> events.size() == 1);
            ProtocolFiles.write(root, first);
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
            writeInPieces(file, ProtocolRenderer.render(second));
            await(() -> events.size() == 2);
            Files.delete(file);
            await(() -> events.size() == 3);
            Thread.sleep(2 * options.rescanInterval().toMillis());
        }

        assertThat(events).hasSize(3);
        List<ProtocolEvent> list = List.copyOf(events);
        assertThat(((ProtocolEvent.Accepted) list.get(0)).document()).isEqualTo(first);
        assertThat(((ProtocolEvent.Accepted) list.get(1)).document()).isEqualTo(second);
        assertThat(list.get(2)).isEqualTo(new ProtocolEvent.Removed(root.resolve("tasks/engineer-backend/feat-001.md")));
    }

    @Test
    void reportsFilesThatWereThereBeforeAndInvalidFilesOnceWithTheirLine() throws Exception {
        ProtocolFiles.write(root, task("feat-001", "engineer-backend", Priority.P2));
        Path bad = root.resolve("complete/engineer-backend/feat-009-done.md");
        ProtocolFiles.writeAtomically(bad, Examples.COMPLETE.replace("feat-001", "feat-009").replace("Tokens: 15000/8000", "Tokens: many"));
        ProtocolFiles.writeAtomically(root.resolve("tasks/README.md"), "not a protocol file");

        try (ProtocolWatcher ignored = ProtocolWatcher.start(root, PARSER, OPTIONS, events::add)) {
            await(() -> events.size() >= 2);
            Thread.sleep(600);
        }

        assertThat(events).hasSize(2);
        ProtocolEvent.Rejected rejected = events.stream().filter(ProtocolEvent.Rejected.class::isInstance)
                .map(ProtocolEvent.Rejected.class::cast).findFirst().orElseThrow();
        assertThat(rejected.path()).isEqualTo(bad);
        assertThat(rejected.problems()).containsExactly(new Problem(5,
                "Tokens must be {input}/{output} as whole numbers, e.g. 'Tokens: 15000/8000'; found 'many'"));
    }

    @Test
    void closingStopsItsThreadsAndItsReports() throws Exception {
        ProtocolWatcher watcher = ProtocolWatcher.start(root, PARSER, OPTIONS, events::add);
        watcher.close();
        ProtocolFiles.write(root, task("feat-001", "engineer-backend", Priority.P1));
        Thread.sleep(500);

        assertThat(events).isEmpty();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("kleiber-protocol"));
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheWatcher() throws Exception {
        try (ProtocolWatcher ignored = ProtocolWatcher.start(root, PARSER, OPTIONS, event -> {
            events.add(event);
            throw new IllegalStateException("listener bug");
        })) {
            ProtocolFiles.write(root, task("feat-001", "engineer-backend", Priority.P1));
            await(() -> events.size() == 1);
            ProtocolFiles.write(root, task("feat-002", "engineer-backend", Priority.P1));
            await(() -> events.size() == 2);
        }

        assertThat(events).hasSize(2);
    }
}

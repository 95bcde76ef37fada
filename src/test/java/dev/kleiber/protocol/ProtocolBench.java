package dev.kleiber.protocol;

import dev.kleiber.AtomicFiles;
import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Benchmark run by {@code bench/protocol.sh}: parse+validate throughput, in memory and from disk.
 * Arguments: {@code [seconds-per-throughput-run] [work-folder]}.
 */
public final class ProtocolBench {
    private static final ProtocolParser PARSER = new ProtocolParser(Roles.BLUEPRINT);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private ProtocolBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path work = Path.of(args.length > 1 ? args[1] : "bench/out/protocol-work").toAbsolutePath();
        deleteTree(work);
        Files.createDirectories(work);

        List<ProtocolDocument> documents = corpus(1_000, new Random(42));
        List<Sample> samples = new ArrayList<>();
        Random random = new Random(7);
        for (ProtocolDocument document : documents) {
            String text = ProtocolRenderer.render(document);
            // One file in ten carries a mistake, so the error paths are measured too.
            if (random.nextInt(10) == 0) {
                text = text.replaceFirst("Agent: ", "Agent: x");
            }
            samples.add(new Sample(document.location(), text));
        }
        long bytes = samples.stream().mapToLong(s -> s.text().getBytes(StandardCharsets.UTF_8).length).sum();
        System.out.printf("machine: %d CPUs, load average %.1f%n", Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("corpus: %d files (all four kinds, 10%% invalid), mean %d bytes%n", samples.size(),
                bytes / samples.size());

        throughputInMemory(samples, 2);
        System.out.println("parse+validate (in memory):        " + throughputInMemory(samples, seconds));

        Path disk = work.resolve("throughput");
        for (Sample sample : samples) {
            AtomicFiles.write(disk.resolve(sample.location().relativePath()), sample.text());
        }
        throughputFromDisk(disk, samples, 2);
        System.out.println("read+parse+validate (from disk):   " + throughputFromDisk(disk, samples, seconds));
        deleteTree(work);
    }

    private record Sample(FileLocation location, String text) {
    }

    /** Files per second of wall time and per second of this thread's CPU time (fair on a shared, loaded machine). */
    private record Rate(double perWallSecond, double perCpuSecond) {
        @Override
        public String toString() {
            return String.format("%,9.0f files/s   (%,.0f files per CPU-second)", perWallSecond, perCpuSecond);
        }
    }

    private static Rate rate(long count, long wallStart, long cpuStart) {
        double wall = (System.nanoTime() - wallStart) / 1e9;
        double cpu = (CPU.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        return new Rate(count / wall, count / cpu);
    }

    private static Rate throughputInMemory(List<Sample> samples, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long start = System.nanoTime();
        long cpuStart = CPU.getCurrentThreadCpuTime();
        long count = 0;
        int valid = 0;
        while (System.nanoTime() < deadline) {
            for (Sample sample : samples) {
                if (PARSER.parse(sample.text(), sample.location()) instanceof ParseResult.Parsed) {
                    valid++;
                }
            }
            count += samples.size();
        }
        if (valid == 0) {
            throw new IllegalStateException("nothing parsed: the benchmark measures nothing");
        }
        return rate(count, start, cpuStart);
    }

    private static Rate throughputFromDisk(Path root, List<Sample> samples, int seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long start = System.nanoTime();
        long cpuStart = CPU.getCurrentThreadCpuTime();
        long count = 0;
        while (System.nanoTime() < deadline) {
            for (Sample sample : samples) {
                ProtocolFiles.parse(root.resolve(sample.location().relativePath()), sample.location(), PARSER);
            }
            count += samples.size();
        }
        return rate(count, start, cpuStart);
    }

    /** Varied documents of all four kinds with unique ids, as a project's protocol folders would hold. */
    static List<ProtocolDocument> corpus(int size, Random random) {
        List<ProtocolDocument> documents = new ArrayList<>();
        List<String> workers = List.of(Roles.ENGINEER_BACKEND, Roles.ENGINEER_FRONTEND, Roles.ARCHITECT, Roles.SCRIBE);
        OffsetDateTime base = OffsetDateTime.of(2025, 1, 9, 14, 30, 0, 0, ZoneOffset.UTC);
        for (int i = 0; i < size; i++) {
            String id = "feat-" + i;
            String agent = workers.get(random.nextInt(workers.size()));
            OffsetDateTime time = base.plusMinutes(i).withOffsetSameInstant(ZoneOffset.ofHours(random.nextInt(5) - 2));
            String prose = sentence(random, 20 + random.nextInt(80));
            documents.add(switch (i % 4) {
                case 0 -> new TaskFile(id, agent, Tier.values()[random.nextInt(3)], Priority.values()[random.nextInt(3)],
                        time, prose, list(random, 1 + random.nextInt(5), r -> new CheckItem(sentence(r, 6), r.nextBoolean())),
                        sentence(random, 15), "Do not touch src/frontend/*.", List.of(), List.of());
                case 1 -> new StartedFile(id, agent, time, (1 + random.nextInt(8)) + "h", prose,
                        list(random, random.nextInt(6), r -> "src/backend/file" + r.nextInt(100) + ".ts"), List.of(), List.of());
                case 2 -> new CompleteFile(id, agent, time, Tier.values()[random.nextInt(3)],
                        new Tokens(random.nextInt(100_000), random.nextInt(20_000)), prose,
                        list(random, random.nextInt(6), r -> new FileChange("src/f" + r.nextInt(100) + ".ts",
                                FileChange.Change.values()[r.nextInt(3)])),
                        list(random, random.nextInt(3), r -> "test/t" + r.nextInt(100) + ".test.ts"),
                        list(random, random.nextInt(3), r -> sentence(r, 10)),
                        list(random, 3, r -> new CheckItem(sentence(r, 3), r.nextBoolean())), List.of(), List.of());
                default -> new BlockedFile(id, agent, time,
                        BlockType.values()[random.nextInt(4)], prose, list(random, random.nextInt(3), r -> sentence(r, 8)),
                        sentence(random, 12), List.of(), List.of());
            });
        }
        return documents;
    }

    private static <T> List<T> list(Random random, int size, Function<Random, T> item) {
        List<T> items = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            items.add(item.apply(random));
        }
        return items;
    }

    private static final String[] WORDS = ("implement the webhook handler with retries verify signature store event "
            + "in queue add tests for failure paths keep api stable document decision").split(" ");

    private static String sentence(Random random, int words) {
        StringBuilder text = new StringBuilder("Please");
        for (int i = 1; i < words; i++) {
            text.append(i % 12 == 0 ? ".\n" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.append('.').toString();
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.git.RemoteGit;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.RecordedRequest;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileWriter;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.protocol.Priority;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.TaskState;
import dev.kleiber.testutil.FakeApiRun;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What issue 18's "Done means" asks, with nothing in-process on the workers' side: three {@code kleiber worker} JVMs
 * (started as the CLI is) share an embedded PostgreSQL and a bare git remote and run a 12-task plan against the fake
 * Messages API. The API itself makes the run deterministic: the three first tasks' calls wait until each worker holds
 * one of them, and the call of {@code delta}'s second attempt waits until the test has killed its worker with
 * SIGKILL. Then {@code delta} completes on another worker from the branch its first attempt pushed, the dead holder's
 * push is refused by the fence, every task is merged exactly once on the remote's main in dependency order, and no
 * lease, reservation, worker row or worktree is left.
 */
class WorkersOnManyMachinesTest {
    /** The conductor's clock is fixed, so its run id is known: {@code run-} and that instant. */
    private static final Instant CONDUCTOR_TIME = Instant.parse("2026-12-07T06:00:00Z");
    private static final String RUN = "run-20261207-060000";
    private static final String KEY = "sk-ant-workers-test-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TASK_HEADING = Pattern.compile("(?m)^# Task: (\\S+)");
    private static final Set<String> FIRST_WAVE = Set.of("alpha", "bravo", "charlie");
    private static final String HELD = "delta";
    /** How a JVM ends after its shutdown hooks ran on SIGTERM: 128 + 15, whatever the hooks did. */
    private static final int SIGTERM_EXIT = 143;

    @TempDir
    Path tmp;

    private static PlannedTask task(String id, String... dependsOn) {
        return new PlannedTask(id, "Task " + id, "engineer-backend", "Add src/services/" + id + ".js",
                List.of("the file exists"), Optional.empty(), Optional.empty(), Arrays.asList(dependsOn), Priority.P1,
                List.of(), Optional.empty());
    }

    /** Twelve tasks; only the first wave is ready at the start, so each worker takes one of it. */
    private static Plan plan() {
        return new Plan(List.of(task("alpha"), task("bravo"), task("charlie"), task(HELD, "alpha"), task("echo", "alpha"),
                task("foxtrot", "bravo"), task("golf", "charlie"), task("hotel", "echo", "foxtrot"), task("india", "golf"),
                task("juliet", HELD), task("kilo", "hotel", "india"), task("lima", "juliet", "kilo")));
    }

    @Test
    void threeWorkerJvmsRunATwelveTaskPlanThroughAKill9() throws Exception {
        Path bare = WorkerJvm.initializedRemote(tmp);
        StoreUrl url = TestStores.fresh(TestStores.Kind.POSTGRESQL, tmp);
        Plan plan = plan();
        String heldBranch = plan.tasks().stream().filter(t -> t.id().equals(HELD)).findFirst().orElseThrow().featureBranch();
        List<WorkerJvm> workers = new ArrayList<>();
        CountDownLatch heldCall = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        AtomicBoolean sawDraft = new AtomicBoolean();
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        try (Store store = Store.open(url, Clock.systemUTC());
             FakeMessagesApi api = FakeMessagesApi.start(KEY)) {
            AtomicBoolean heldOnce = new AtomicBoolean();
            api.respondWith(request -> {
                String task = taskOf(request);
                int turn = (request.json().path("messages").size() + 1) / 2;
                boolean opus = request.json().path("model").asText().contains("opus");
                if (turn == 1 && FIRST_WAVE.contains(task)) {
                    // the first wave waits until all three workers hold a task of it: each does some of the work
                    await(() -> new HashSet<>(store.workers().holders(RUN).values()).size() == 3, Duration.ofSeconds(60));
                }
                if (task.equals(HELD) && opus && turn == 1 && heldOnce.compareAndSet(false, true)) {
                    heldCall.countDown();
                    awaitQuietly(killed);
                    return FakeReply.error(529, "overloaded_error", "the worker that asked is dead");
                }
                if (task.equals(HELD) && !opus) {
                    // the first attempt leaves a draft on its branch and asks for a stronger model
                    return turn == 1 ? FakeApiRun.reply(write(HELD, "// draft\n")) : FakeApiRun.reply(call("request_escalation",
                            JSON.createObjectNode().put("reason", "the draft needs a design decision")));
                }
                if (task.equals(HELD)) {
                    return switch (turn) {
                        case 1 -> FakeApiRun.reply(call("read_file", JSON.createObjectNode().put("path", "src/services/" + HELD + ".js")));
                        case 2 -> {
                            sawDraft.set(request.lastUserText().contains("// draft"));
                            yield FakeApiRun.reply(write(HELD, "export const " + HELD + " = 'done';\n"));
                        }
                        default -> FakeApiRun.reply(complete(HELD));
                    };
                }
                if (task.isEmpty()) {
                    unexpected.add(request.body());
                    return FakeReply.error(400, "invalid_request_error", "the test did not expect this request");
                }
                return turn == 1 ? FakeApiRun.reply(write(task, "export const " + task + " = true;\n")) : FakeApiRun.reply(complete(task));
            });
            // the run's conductor: `kleiber run --plan FILE --remote URL` plans here and follows the workers' run
            Path planFile = tmp.resolve("plan.yaml");
            Files.writeString(planFile, new PlanFileWriter().write(plan));
            Cli conductor = WorkerJvm.conductor(tmp, url, api, KEY, Clock.fixed(CONDUCTOR_TIME, ZoneOffset.UTC));
            AtomicReference<Cli.Result> conducted = new AtomicReference<>();
            // the workers start first: their JVMs come up while the conductor plans
            long t0 = System.nanoTime();
            for (String name : List.of("one", "two", "three")) {
                workers.add(WorkerJvm.start(tmp, name, url, bare, api, KEY));
            }
            Thread conducting = Thread.ofVirtual().start(() -> conducted.set(conductor.run("run", "--plan",
                    planFile.toString(), "--remote", bare.toString())));
            await(() -> store.runs().find(RUN).isPresent() || !conducting.isAlive(), Duration.ofSeconds(60));
            assertThat(store.runs().remoteOf(RUN)).as(String.valueOf(conducted.get())).contains(bare.toString());
            assertThat(heldCall.await(90, TimeUnit.SECONDS)).as("delta's opus attempt called the API; workers:\n"
                    + output(workers)).isTrue();

            // kill -9 the worker whose agent waits in that call
            String holder = store.workers().holders(RUN).get(HELD);
            long pid = store.workers().live().stream().filter(w -> w.holder().equals(holder)).findFirst().orElseThrow().pid();
            WorkerJvm victim = workers.stream().filter(w -> w.pid() == pid).findFirst().orElseThrow();
            String deadToken = GitRepos.git(bare, "rev-parse", "refs/kleiber/fences/" + RUN + "/" + HELD).strip();
            String pushedDraft = GitRepos.git(bare, "rev-parse", "refs/heads/" + heldBranch).strip();
            System.out.printf("workers up and delta held after %d s%n", (System.nanoTime() - t0) / 1_000_000_000);
            victim.kill9();
            killed.countDown();
            // the killed machine's worker is started again on its cache: it clears what the dead process left there
            WorkerJvm again = WorkerJvm.start(tmp, victim.name(), url, bare, api, KEY);
            workers.add(again);

            await(() -> store.tasks().ofRun(RUN).stream().allMatch(t -> t.state() == TaskState.MERGED), Duration.ofSeconds(90));
            System.out.printf("all twelve merged after %d s%n", (System.nanoTime() - t0) / 1_000_000_000);
            assertThat(store.tasks().ofRun(RUN)).as(output(workers) + events(store)).allSatisfy(t -> assertThat(t.state())
                    .as(t.id()).isEqualTo(TaskState.MERGED));
            assertThat(unexpected).isEmpty();

            // delta completed elsewhere, from the branch its first attempt pushed
            List<String[]> deltaAttempts = store.database().read(tx -> tx.query("SELECT holder, attempt FROM attempts "
                    + "WHERE run_id = ? AND task_id = ? ORDER BY attempt", rs -> new String[] {rs.getString(1),
                    rs.getString(2)}, RUN, HELD));
            assertThat(deltaAttempts).hasSizeGreaterThanOrEqualTo(3);
            assertThat(deltaAttempts.get(1)[0]).isEqualTo(holder);
            assertThat(deltaAttempts.getLast()[0]).as("the last attempt ran on another worker").isNotEqualTo(holder);
            assertThat(sawDraft).as("the agent on the new worker read the dead attempt's pushed draft").isTrue();
            GitRepos.git(bare, "merge-base", "--is-ancestor", pushedDraft, "main");

            // the dead holder's late push (its fence token, the branch as the remote has it now) is refused by git
            RemoteGit zombie = RemoteGit.open(bare.toString(), victim.cache().resolve("repo"), Duration.ofSeconds(60));
            String branchNow = GitRepos.git(bare, "rev-parse", "refs/heads/" + heldBranch).strip();
            String mainNow = GitRepos.git(bare, "rev-parse", "main").strip();
            String late = zombie.token("a zombie's late work");
            String fenceRef = "refs/kleiber/fences/" + RUN + "/" + HELD;
            assertThat(zombie.push(List.of(new RemoteGit.Update(late, "refs/heads/" + heldBranch, Optional.of(branchNow)),
                    new RemoteGit.Update(deadToken, fenceRef, Optional.of(deadToken))))).isInstanceOf(RemoteGit.Push.Refused.class);
            assertThat(zombie.push(List.of(new RemoteGit.Update(late, "refs/heads/main", Optional.of(mainNow)),
                    new RemoteGit.Update(deadToken, fenceRef, Optional.of(deadToken))))).isInstanceOf(RemoteGit.Push.Refused.class);
            assertThat(GitRepos.git(bare, "rev-parse", "main").strip()).isEqualTo(mainNow);
            assertThat(GitRepos.git(bare, "rev-parse", "refs/heads/" + heldBranch).strip()).isEqualTo(branchNow);

            // exactly once each, one merger at a time (a single line of first parents), dependencies first
            List<String> merged = GitRepos.git(bare, "log", "--first-parent", "--reverse",
                    "--format=%(trailers:key=Kleiber-Task,valueonly)", "main").lines().filter(l -> !l.isBlank()).toList();
            assertThat(merged).as("each task merged once on the remote's main").hasSize(12)
                    .containsExactlyInAnyOrderElementsOf(plan.tasks().stream().map(PlannedTask::id).toList());
            for (PlannedTask t : plan.tasks()) {
                for (String dependency : t.dependsOn()) {
                    assertThat(merged.indexOf(dependency)).as(dependency + " merged before " + t.id())
                            .isLessThan(merged.indexOf(t.id()));
                }
            }
            assertThat(GitRepos.git(bare, "ls-tree", "--name-only", "main", "src/services/").lines().count()).isEqualTo(12);
            assertThat(GitRepos.git(bare, "show", "main:src/services/" + HELD + ".js")).contains("'done'");

            // the records came with the merges, written once by the merge lease's holder
            String changelog = GitRepos.git(bare, "show", "main:CHANGELOG.md");
            for (PlannedTask t : plan.tasks()) {
                assertThat(changelog.lines().filter(l -> l.endsWith("(" + t.id() + ")")).count())
                        .as("CHANGELOG entries of " + t.id()).isEqualTo(1);
                assertThat(GitRepos.git(bare, "show", "main:complete/engineer-backend/" + t.id() + "-done.md"))
                        .contains("# Complete: " + t.id());
                GitRepos.git(bare, "cat-file", "-e", "main:tasks/engineer-backend/" + t.id() + ".md");
            }

            // the conductor saw the run end and reported it as `kleiber run` does
            conducting.join(Duration.ofSeconds(30));
            assertThat(conducted.get()).isNotNull();
            assertThat(conducted.get().exitCode()).as(conducted.get().out() + conducted.get().err()).isZero();
            assertThat(conducted.get().out()).contains("run " + RUN + ": enqueued for the workers of " + bare)
                    .contains("run " + RUN + ": 12 merged, 0 awaiting review, 0 blocked, 0 failed, 0 not started")
                    .contains("every task is merged.").contains(HELD + ": merged");

            // every worker did some of the work: each merged one of the first wave
            List<String> firstWaveHolders = store.database().read(tx -> tx.query("SELECT DISTINCT holder FROM attempts "
                    + "WHERE run_id = ? AND task_id IN ('alpha', 'bravo', 'charlie')", rs -> rs.getString(1), RUN));
            assertThat(firstWaveHolders).hasSize(3);
            assertThat(firstWaveHolders).contains(holder);

            // what the dead worker held lapses and is swept by the living; then they stop on SIGTERM
            await(() -> count(store, "SELECT COUNT(*) FROM leases WHERE holder = '" + holder + "'") == 0
                    && count(store, "SELECT COUNT(*) FROM reservations") == 0, Duration.ofSeconds(30));
            List<WorkerJvm> living = workers.stream().filter(w -> w != victim).toList();
            living.forEach(WorkerJvm::terminate);
            for (WorkerJvm worker : living) {
                assertThat(worker.exitCode()).as(worker.output()).isEqualTo(SIGTERM_EXIT);
            }
            assertThat(again.output()).contains("removed 1 worktree(s) a stopped worker left");
            List<String> leases = store.database().read(tx -> tx.query("SELECT holder, subject, expires_ms FROM leases",
                    rs -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getLong(3)));
            assertThat(leases).as("no lease left").isEmpty();
            assertThat(count(store, "SELECT COUNT(*) FROM reservations")).as("no reservation left").isZero();
            assertThat(store.workers().live()).as("no live worker left").isEmpty();
            for (WorkerJvm worker : workers) {
                assertThat(worktrees(worker.cache())).as("no worktree left in the cache of " + worker.name()).isEmpty();
            }
            assertThat(output(workers)).doesNotContain(KEY);
        } finally {
            workers.forEach(WorkerJvm::kill9);
        }
    }

    private static String events(Store store) {
        return "\n--- events\n" + String.join("\n", store.events().ofRun(RUN).stream()
                .map(e -> e.taskId() + " " + e.kind() + " " + e.detail()).toList());
    }

    private static long count(Store store, String sql) {
        return store.database().<Long>read(tx -> tx.number(sql));
    }

    private static List<Path> worktrees(Path cache) throws IOException {
        Path dir = cache.resolve("worktrees");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> left = Files.list(dir)) {
            return left.filter(p -> !p.getFileName().toString().equals("_merge")).toList();
        }
    }

    private static String output(List<WorkerJvm> workers) {
        StringBuilder text = new StringBuilder();
        workers.forEach(w -> text.append("--- worker ").append(w.name()).append('\n').append(w.output()).append('\n'));
        return text.toString();
    }

    private static void await(BooleanSupplier condition, Duration limit) {
        long until = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < until) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String taskOf(RecordedRequest request) {
        JsonNode first = request.json().path("messages").path(0).path("content");
        String text = first.isTextual() ? first.asText() : first.path(0).path("text").asText();
        Matcher task = TASK_HEADING.matcher(text);
        return task.find() ? task.group(1) : "";
    }


    private static ObjectNode call(String name, ObjectNode input) {
        ObjectNode call = JSON.createObjectNode().put("name", name);
        call.set("input", input);
        return call;
    }

    private static ObjectNode write(String task, String content) {
        return call("write_file", JSON.createObjectNode().put("path", "src/services/" + task + ".js").put("content", content));
    }

    private static ObjectNode complete(String task) {
        ObjectNode input = JSON.createObjectNode().put("summary", "Added src/services/" + task + ".js.");
        input.putArray("decisions");
        return call("complete_task", input);
    }
}

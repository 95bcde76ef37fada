package dev.kleiber.cli;

import dev.kleiber.routing.Tier;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.Tasks;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kleiber workers} lists live workers with their claims; {@code kleiber status} names the worker (host, pid)
 * holding each task; {@code kleiber worker} refuses bad options with exit 2.
 */
class WorkersCommandTest {
    @TempDir
    Path tmp;

    @Test
    void listsTheLiveWorkersWithTheirSlotsTagsAndClaimsAsTextAndJson() throws Exception {
        StoreUrl url = TestStores.fresh(TestStores.Kind.SQLITE, tmp);
        try (Store store = Store.open(url, Clock.systemUTC())) {
            store.runs().create("r1", "a request");
            store.tasks().add("r1", List.of(new Tasks.NewTask("search-api", "engineer-backend", Tier.SONNET, List.of())));
            store.workers().register("worker-41312", "build-2", 41312, 2, Set.of("node20", "linux"),
                    "ssh://git@git.example/shop.git", Duration.ofMinutes(1));
            store.workers().register("worker-7", "gone-host", 7, 1, Set.of(), "", Duration.ofMillis(1));
            store.queue().claimAny("worker-41312", Set.of("linux", "node20"), Duration.ofMinutes(1)).orElseThrow();
        }
        Cli cli = new Cli(tmp);

        Cli.Result text = cli.run("workers", "--store", storeArgument(url));
        Cli.Result json = cli.run("workers", "--store", storeArgument(url), "--json");

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("build-2").contains("41312").contains("linux,node20").contains("r1/search-api")
                .contains("ssh://git@git.example/shop.git").doesNotContain("gone-host");
        assertThat(json.exitCode()).as(json.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode worker = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(json.out()).get("workers").get(0);
        assertThat(worker.get("host").asText()).isEqualTo("build-2");
        assertThat(worker.get("slots").asInt()).isEqualTo(2);
        assertThat(worker.get("remote").asText()).as("the remote whose runs it claims").isEqualTo("ssh://git@git.example/shop.git");
        assertThat(worker.get("claims").get(0).asText()).isEqualTo("r1/search-api");
    }

    @Test
    void statusTellsWhichWorkerHostAndPidHoldsEachTaskAsTextAndJson() throws Exception {
        Path project = GitRepos.init(tmp.resolve("project"));
        assertThat(new Cli(project).run("init").exitCode()).isZero();
        StoreUrl url = TestStores.fresh(TestStores.Kind.SQLITE, tmp);
        try (Store store = Store.open(url, Clock.systemUTC())) {
            store.runs().create("r1", "a request");
            store.tasks().add("r1", List.of(new Tasks.NewTask("search-api", "engineer-backend", Tier.SONNET, List.of()),
                    new Tasks.NewTask("stock-badge", "engineer-backend", Tier.SONNET, List.of("search-api"))));
            store.workers().register("worker-41312", "build-2", 41312, 2, Set.of(), "", Duration.ofMinutes(1));
            store.queue().claimAny("worker-41312", Set.of(), Duration.ofMinutes(1)).orElseThrow();
        }
        Cli cli = new Cli(new CliContext(project, Map.of("PATH", System.getenv("PATH"), "HOME", tmp.toString(),
                "KLEIBER_STORE", url.toString()), Clock.systemUTC()));

        Cli.Result text = cli.run("status", "--run", "r1");
        Cli.Result json = cli.run("status", "--run", "r1", "--json");

        assertThat(text.exitCode()).as(text.out() + text.err()).isZero();
        assertThat(text.out()).contains("search-api is held by worker on build-2 pid 41312");
        assertThat(json.exitCode()).as(json.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode tasks = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(json.out()).get("tasks");
        assertThat(tasks.get(0).get("heldBy").get("holder").asText()).isEqualTo("worker-41312");
        assertThat(tasks.get(0).get("heldBy").get("host").asText()).isEqualTo("build-2");
        assertThat(tasks.get(0).get("heldBy").get("pid").asLong()).isEqualTo(41312);
        assertThat(tasks.get(1).get("heldBy").isNull()).as("nobody holds a task waiting for its dependency").isTrue();
    }

    @Test
    void aWorkerWithBadOptionsExitsWithTwoAndSaysWhichOption() {
        Cli cli = new Cli(tmp);
        String store = storeArgument(TestStores.fresh(TestStores.Kind.SQLITE, tmp));

        Cli.Result slots = cli.run("worker", "--store", store, "--remote", tmp.toString(), "--slots", "0");
        Cli.Result tags = cli.run("worker", "--store", store, "--remote", tmp.toString(), "--tags", "Node 20");
        Cli.Result remote = cli.run("worker", "--store", store);
        Cli.Result metrics = cli.run("worker", "--store", store, "--remote", tmp.toString(), "--metrics-port", "70000");

        assertThat(slots.exitCode()).isEqualTo(2);
        assertThat(slots.err()).contains("--slots must be 1 to 64; found 0");
        assertThat(tags.exitCode()).isEqualTo(2);
        assertThat(tags.err()).contains("--tags: 'Node 20' is not a tag");
        assertThat(remote.exitCode()).isEqualTo(2);
        assertThat(remote.err()).contains("--remote");
        assertThat(metrics.exitCode()).isEqualTo(2);
        assertThat(metrics.err()).contains("--metrics-port must be 0 to 65535; found 70000");
    }

    private static String storeArgument(StoreUrl url) {
        return "sqlite:" + ((StoreUrl.Sqlite) url).file();
    }
}

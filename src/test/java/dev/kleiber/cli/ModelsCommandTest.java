package dev.kleiber.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeModel;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kleiber models}, {@code latest} and a retired model, through the real SDK against the fake API. */
class ModelsCommandTest {
    private static final String KEY = "sk-ant-test-MODELS-0123456789";

    @TempDir
    Path tmp;
    Path repo;
    FakeMessagesApi api;

    @BeforeEach
    void setUp() throws IOException {
        repo = GitRepos.init(tmp.resolve("repo"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "kleiber init");
        api = FakeMessagesApi.start(KEY);
    }

    @AfterEach
    void tearDown() {
        api.close();
    }

    private Cli cli(Clock clock) {
        return new Cli(new CliContext(repo, Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", api.baseUrl().toString()),
                clock));
    }

    private Cli cli() {
        return cli(Clock.systemUTC());
    }

    private void setModels(String yaml) throws IOException {
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        String text = Files.readString(config).replaceFirst("(?s)models:\\n(  \\w+: \\S+\\n)+", "models:\n" + yaml);
        Files.writeString(config, text);
    }

    @Test
    void listsEveryPageOfModelsWithTierPriceAndTheTiersChoice() throws IOException {
        List<FakeModel> many = new ArrayList<>(FakeMessagesApi.CURRENT_MODELS);
        for (int i = 0; i < 150; i++) {
            many.add(FakeModel.of("claude-experiment-" + i, "2024-01-01"));
        }
        api.models(many);

        Cli.Result text = cli().run("models");
        Cli.Result json = cli().run("models", "--json");

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("Models your API key can use (GET /v1/models): 161")
                .containsPattern("claude-opus-5-5 +opus +\\$4\\.00/\\$20\\.00 +chosen for opus")
                .containsPattern("claude-haiku-5-5 +haiku +\\$0\\.10/\\$0\\.50\\* +chosen for haiku")
                .containsPattern("claude-experiment-7 +- +no known price")
                .containsPattern("sonnet +claude-sonnet-5-5 +ok");
        // two pages of at most 100 for each command: the SDK followed has_more and after_id
        assertThat(api.requests().stream().filter(r -> r.path().equals("/v1/models")).count()).isEqualTo(2 * 2);
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(doc.path("models")).hasSize(161);
        JsonNode opus = doc.path("models").get(2);
        assertThat(opus.path("id").asText()).isEqualTo("claude-opus-5-5");
        assertThat(opus.path("tier").asText()).isEqualTo("opus");
        assertThat(opus.at("/priceUsdPerMTok/cacheWrite1h").decimalValue()).isEqualByComparingTo("8");
        assertThat(opus.path("chosenFor").get(0).asText()).isEqualTo("opus");
        assertThat(doc.at("/models/0/priceUsdPerMTok/longContext/aboveInputTokens").asLong()).isEqualTo(100_000);
        assertThat(doc.at("/tiers/haiku/usable").asBoolean()).isTrue();
        assertThat(text.out() + text.err() + json.out()).doesNotContain(KEY);
    }

    @Test
    void aTierSetToARetiredIdIsShownAsNotAvailable() throws IOException {
        setModels("  opus: claude-opus-4-1\n  sonnet: claude-sonnet-5-5\n  haiku: claude-haiku-5-5\n");
        api.retire("claude-opus-4-1-20250805");

        Cli.Result result = cli().run("models", "--json");

        JsonNode tiers = new ObjectMapper().readTree(result.out()).path("tiers");
        assertThat(tiers.at("/opus/listed").asBoolean()).isFalse();
        assertThat(tiers.at("/opus/usable").asBoolean()).isFalse();
        assertThat(cli().run("models").out()).contains("NOT AVAILABLE to this key");
    }

    @Test
    void latestIsTheNewestModelOfTheFamilyTheApiListsResolvedOnceADayAndRecordedConcretely() throws IOException {
        setModels("  opus: latest\n  sonnet: claude-sonnet-5-5\n  haiku: latest\n");
        api.respondWith(request -> FakeReply.answer(FakeReply.toolUse("t1", "complete_task", "{\"summary\":\"Done.\"}")));
        writeTask("haiku");
        Clock today = Clock.fixed(Instant.parse("2026-12-07T09:00:00Z"), ZoneOffset.UTC);

        assertThat(cli(today).run("config").out()).contains("latest");
        Cli.Result first = cli(today).run("agent", "run", "tasks/engineer-backend/feat-001.md", "--json");
        Cli.Result again = cli(today).run("agent", "run", "tasks/engineer-backend/feat-001.md", "--json");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(again.exitCode()).as(again.err()).isZero();
        List<String> asked = api.requests().stream().filter(r -> r.path().equals("/v1/messages"))
                .map(r -> r.json().path("model").asText()).toList();
        assertThat(asked).containsOnly("claude-haiku-5-5");
        assertThat(api.requests().stream().filter(r -> r.path().equals("/v1/models")).count())
                .as("the day's answer is cached").isEqualTo(1);
        assertThat(repo.resolve(".kleiber/models-latest.json")).content().contains("\"day\" : \"2026-12-07\"")
                .contains("\"opus\" : \"claude-opus-5-5\"");
        JsonNode cost = new ObjectMapper().readTree(cli(today).run("cost", "--json", "--day", "2026-12-07").out());
        assertThat(cost.at("/byModel/0/model").asText()).isEqualTo("claude-haiku-5-5");

        // a newer Haiku appears: the next day asks again and takes it
        List<FakeModel> newer = new ArrayList<>(FakeMessagesApi.CURRENT_MODELS);
        newer.addFirst(FakeModel.of("claude-haiku-5-6", "2026-12-07"));
        api.models(newer);
        Clock tomorrow = Clock.fixed(Instant.parse("2026-12-08T09:00:00Z"), ZoneOffset.UTC);
        Cli.Result next = cli(tomorrow).run("agent", "run", "tasks/engineer-backend/feat-001.md", "--json");
        assertThat(next.exitCode()).as("claude-haiku-5-6 has no price: refused before any call").isEqualTo(2);
        assertThat(next.err()).contains("'models.haiku: latest'").contains("claude-haiku-5-6")
                .contains("no price is known");
        assertThat(api.requests().stream().filter(r -> r.path().equals("/v1/messages")).count()).isEqualTo(2);
    }

    @Test
    void aRetiredModelStopsAgentRunWithOneMessageNamingModelTierFileAndFixWithoutRetrying() throws IOException {
        setModels("  opus: claude-opus-5-5\n  sonnet: claude-sonnet-5-5\n  haiku: claude-haiku-4-5\n");
        api.retire("claude-haiku-4-5");
        writeTask("haiku");

        Cli.Result result = cli().run("agent", "run", "tasks/engineer-backend/feat-001.md");

        // the task stopped for the environment, not for bad usage: exit 1 like any task that did not complete
        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(1);
        assertThat(result.out()).contains("Model claude-haiku-4-5 (tier haiku, chosen by .kleiber/kleiber.yaml line ")
                .contains("('models.haiku')")
                .contains("404 not_found_error")
                .contains("kleiber models")
                .contains("the task stops here");
        assertThat(result.out().lines().filter(l -> l.contains("cannot be used")).count()).isEqualTo(1);
        assertThat(api.requests().stream().filter(r -> r.path().equals("/v1/messages")).count())
                .as("no retry, no escalation").isEqualTo(1);
    }

    @Test
    void aRetiredModelStopsTheTaskOfARunForItsEnvironmentWithoutClimbingTheLadder() throws IOException {
        setModels("  opus: claude-opus-5-5\n  sonnet: claude-sonnet-5-5\n  haiku: claude-haiku-4-5\n");
        api.retire("claude-haiku-4-5");
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: footer-note
                    title: Footer note
                    agent: engineer-frontend
                    description: Add src/frontend/footerNote.js exporting footerNote().
                    acceptance: [returns the note]
                    model: haiku
                """);
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "haiku 4.5 retired since");

        Cli.Result run = cli().run("run", "--plan", "plan.yaml", "--no-board");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("footer-note stopped, not the agent's fault")
                .contains("Model claude-haiku-4-5 (tier haiku, chosen by .kleiber/kleiber.yaml line ")
                .contains("kleiber models")
                .contains("fix what the stopped tasks name, then continue with `kleiber resume`.")
                .doesNotContain("once these are answered").doesNotContain("retrying").doesNotContain("on sonnet").doesNotContain("on opus");
        assertThat(api.requests()).filteredOn(r -> r.path().equals("/v1/messages"))
                .as("one call, no retry, no stronger model").singleElement()
                .satisfies(r -> assertThat(r.json().path("model").asText()).isEqualTo("claude-haiku-4-5"));
    }

    private void writeTask(String model) throws IOException {
        Files.createDirectories(repo.resolve("tasks/engineer-backend"));
        Files.writeString(repo.resolve("tasks/engineer-backend/feat-001.md"), """
                # Task: feat-001
                Agent: engineer-backend
                Model: %s
                Priority: p1
                Created: 2026-11-25T11:00:00Z

                ## Description
                Add a health endpoint to the backend.

                ## Acceptance Criteria
                - [ ] GET /health answers ok
                """.formatted(model));
    }
}

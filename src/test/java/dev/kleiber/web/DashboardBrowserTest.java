package dev.kleiber.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.cli.ServerProcess;
import dev.kleiber.llm.fake.FakeMessagesApi;
import dev.kleiber.llm.fake.FakeReply;
import dev.kleiber.llm.fake.RecordedRequest;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in the machine's Chromium, served by the real server over a real run whose model answers come from
 * the fake Messages API: sign in with a token, watch a task go from running to merged live, open the task whose
 * review is forced, approve it at phone width and see it merged; answer the conductor's question about a blocked task;
 * raise the day's budget and approve extra spend; read the run's cost, a task's calls and spend by day. No console
 * error on the way, no serious accessibility violation (axe-core) in the light theme or in the dark one (every page),
 * screenshots at 1280 and 375 px under target/dashboard-screenshots/.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** As root, on a machine whose network is closed: no sandbox, no GPU, and nothing that phones home. */
    static final List<String> CHROMIUM_FLAGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage");
    private static final String KEY = "sk-ant-test-DASHBOARD-0123456789";
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final Path AXE = Path.of("web", "node_modules", "axe-core", "axe.min.js");
    private static final String PLAN = """
            tasks:
              - id: doc-notes
                title: Getting started notes
                agent: scribe
                description: Write docs/notes.md for new contributors.
                acceptance: [docs/notes.md explains how to run the tests]
                priority: p2
              - id: card-refunds
                title: Card refunds
                agent: engineer-backend
                description: Refund a card payment to the customer in src/services/refunds.js.
                acceptance: [a refund never exceeds the payment]
                priority: p1
              - id: shipping-rates
                title: Shipping rates
                agent: engineer-backend
                description: Add the shipping rate lookup in src/services/shipping.js.
                acceptance: [every order gets a rate]
                priority: p2
            """;
    private static final String QUESTION = "Which carrier's rate table should shipping use?";
    private static final String ANSWER = "Use the UPS table in data/ups.csv";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path repo;
    FakeMessagesApi api;
    ServerProcess server;
    Playwright playwright;
    Browser browser;
    final CountDownLatch notesMayFinish = new CountDownLatch(1);
    final List<String> consoleErrors = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) || System.getenv("CI") != null,
                "no Chromium at " + CHROMIUM + " (apt-get install chromium; .ci/run installs it on CI)");
        repo = GitRepos.init(tmp.resolve("repo"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "kleiber init");
        api = FakeMessagesApi.start(KEY).respondWith(this::answer);
        CliContext context = new CliContext(repo, Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL",
                api.baseUrl().toString(), "PATH", System.getenv("PATH")), Clock.systemUTC());
        server = ServerProcess.start(context, Optional.of("127.0.0.1"), Optional.of(0), Optional.empty(),
                new PrintWriter(new StringWriter(), true));
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        // a loaded CI machine answers slower than Playwright's 5 s default; nothing here waits without a reason
        com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
                .setHeadless(true).setArgs(CHROMIUM_FLAGS));
    }

    @AfterEach
    void tearDown() {
        notesMayFinish.countDown();
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (server != null) {
            server.close();
        }
        if (api != null) {
            api.close();
        }
    }

    /**
     * The scripted agents: doc-notes waits until the browser has seen it running; card-refunds writes code;
     * shipping-rates reports itself blocked, and the conductor passes the question to a person. (The run has ended
     * when the person answers, so nothing reads the answer here: the answer form is what this test is about.)
     */
    private FakeReply answer(RecordedRequest request) {
        String body = request.body();
        boolean first = request.json().path("messages").size() == 1;
        List<String> tools = new ArrayList<>();
        request.json().path("tools").forEach(t -> tools.add(t.path("name").asText()));
        if (tools.contains("answer_blocked")) {
            return FakeReply.answer(FakeReply.toolUse("b1", "answer_blocked", JSON.createObjectNode()
                    .put("decision", "ask_human").put("reason", "Only the business can choose.")
                    .put("question", QUESTION).toString()));
        }
        if (body.contains("shipping-rates.md")) {
            return FakeReply.answer(FakeReply.toolUse("s0", "report_blocked", JSON.createObjectNode()
                    .put("type", "unclear_requirements").put("problem", "No carrier's rate table is in the repository.")
                    .put("need", "Name the carrier and where its rate table lives").toString()));
        }
        if (body.contains("doc-notes.md")) {
            if (first) {
                await(notesMayFinish);
                return FakeReply.answer(FakeReply.toolUse("n1", "write_file",
                        "{\"path\":\"docs/notes.md\",\"content\":\"# Notes\\n\\nRun the tests with npm test.\\n\"}"));
            }
            return FakeReply.answer(FakeReply.toolUse("n2", "complete_task", "{\"summary\":\"Wrote the notes.\"}"));
        }
        if (body.contains("card-refunds.md")) {
            if (first) {
                return FakeReply.answer(FakeReply.toolUse("r1", "write_file", "{\"path\":\"src/services/refunds.js\","
                        + "\"content\":\"// a refund never exceeds the payment\\nexport function refund(paid, asked) {\\n"
                        + "  return Math.min(paid, asked);\\n}\\n\"}"));
            }
            return FakeReply.answer(FakeReply.toolUse("r2", "complete_task", "{\"summary\":\"Refunds are capped.\"}"));
        }
        return FakeReply.answer(FakeReply.text("Noted."));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(90, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aPersonWatchesTheRunLiveApprovesFromAPhoneAnswersTheConductorAndRaisesTheBudget() throws Exception {
        String admin = token("ci-admin", "admin");
        String approver = token("ana", "approve");
        String runId = startRun(admin);

        BrowserContext desktop = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900)
                .setColorScheme(ColorScheme.LIGHT));
        Page page = watched(desktop.newPage());
        page.navigate(server.url() + "/runs/" + runId);
        page.getByLabel("Token").fill(approver);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();

        Locator notes = page.locator("[data-task='doc-notes']");
        assertThat(notes).hasAttribute("data-state", "running", within(30));
        assertThat(page.locator("[data-stream='live']")).isVisible();
        notesMayFinish.countDown();
        assertThat(notes).hasAttribute("data-state", "merged", within(60));
        Locator refunds = page.locator("[data-task='card-refunds']");
        assertThat(refunds).hasAttribute("data-state", "awaiting_review", within(60));
        assertThat(refunds).containsText("review");
        assertThat(page.locator("[data-task='shipping-rates']")).hasAttribute("data-state", "blocked", within(60));
        assertNoSeriousViolations(page, "run page at 1280 px");
        screenshot(page, "run-1280.png");
        readmeScreenshot(page);

        BrowserContext phone = browser.newContext(new Browser.NewContextOptions().setViewportSize(375, 812)
                .setStorageState(desktop.storageState()));
        Page small = watched(phone.newPage());
        small.navigate(server.url() + "/runs/" + runId);
        screenshot(small, "run-375.png");
        small.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("card-refunds").setExact(true)).first().click();
        assertThat(small.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Changed files")))
                .containsText("src/services/refunds.js");
        String shown = diffCommit(admin, runId);
        Locator approve = small.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Approve " + shown.substring(0, 8)));
        assertThat(approve).isVisible();
        assertThat(small.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Your review")).getByText(shown))
                .isVisible();
        assertThat(small.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")).isEqualTo(true);
        assertNoSeriousViolations(small, "task page at 375 px");
        screenshot(small, "task-375.png");
        approve.click();
        assertThat(small.getByRole(AriaRole.STATUS)).containsText("Approved " + shown.substring(0, 12));
        assertThat(small.locator("[data-state='merged']").first()).isVisible(new com.microsoft.playwright.assertions
                .LocatorAssertions.IsVisibleOptions().setTimeout(30_000));
        screenshot(small, "task-merged-375.png");
        assertThat(refunds).hasAttribute("data-state", "merged", within(30));
        screenshot(page, "run-merged-1280.png");
        assertThat(GitRepos.git(repo, "log", "--format=%s", "main")).contains("card-refunds");

        answerTheConductor(page, runId);
        raiseTheBudget(small);
        costsAreShown(page, runId, admin);
        darkModeHasNoSeriousViolations(desktop, runId);

        assertThat(consoleErrors).as("console errors").isEmpty();
    }

    /** The blocked task's page shows the conductor's question; the answer form writes the person's answer into its blocked file. */
    private void answerTheConductor(Page page, String runId) throws IOException {
        page.navigate(server.url() + "/runs/" + runId + "/tasks/shipping-rates");
        Locator asks = page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("The conductor asks"));
        assertThat(asks).containsText(QUESTION, new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions()
                .setTimeout(30_000));
        Locator files = page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Protocol files"));
        assertThat(files).containsText("tasks/engineer-backend/shipping-rates.md");
        asks.getByLabel("Your answer").fill(ANSWER);
        asks.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Send answer")).click();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("Answer sent: written to "
                + "blocked/engineer-backend/shipping-rates-conflict.md");
        assertThat(asks.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Send answer"))).hasCount(0);
        Path blocked = repo.resolve("blocked/engineer-backend/shipping-rates-conflict.md");
        assertThat(Files.readString(blocked)).contains(ANSWER).contains("Answered by");
        assertThat(files.getByText(ANSWER, new Locator.GetByTextOptions().setExact(false)).first()).isVisible();
        screenshot(page, "task-answered-1280.png");
    }

    /** Today's limit raised and extra spend approved on the Budget page at phone width, as the API then reports. */
    private void raiseTheBudget(Page small) throws IOException, InterruptedException {
        small.navigate(server.url() + "/budget");
        small.getByLabel("Raise today's limit to (USD)").fill("60");
        small.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Raise limit")).click();
        assertThat(small.getByRole(AriaRole.STATUS)).hasText("Done.");
        assertThat(small.locator("dd").first()).hasText("$60.00");
        small.getByLabel("Approve extra spend (USD)").fill("5");
        small.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Approve extra")).click();
        assertThat(small.locator("dd").first()).hasText("$65.00");
        assertThat(small.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Approvals")))
                .containsText("extra $5.00");
        assertThat(small.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")).isEqualTo(true);
        screenshot(small, "budget-375.png");
        JsonNode budget = call("GET", "/api/v1/budget", token("budget-reader", "read"), null, 200);
        assertThat(budget.path("limitUsd").decimalValue()).isEqualByComparingTo("65");
        List<String> kinds = new ArrayList<>();
        budget.path("approvals").forEach(a -> kinds.add(a.path("kind").asText() + " by " + a.path("by").asText()));
        assertThat(kinds).hasSize(2).allSatisfy(k -> assertThat(k).contains("ana")).first().asString().startsWith("raise");
    }

    /** The run's cost on the runs list, a task's calls one by one, and spend by day beside the all-Opus price. */
    private void costsAreShown(Page page, String runId, String admin) throws IOException, InterruptedException {
        JsonNode runs = call("GET", "/api/v1/runs", admin, null, 200);
        JsonNode run = runs.path("runs").get(0);
        assertThat(run.path("id").asText()).isEqualTo(runId);
        JsonNode cost = call("GET", "/api/v1/cost?run=" + runId, admin, null, 200);
        assertThat(run.path("costUsd").decimalValue()).isPositive().isEqualByComparingTo(cost.path("totalUsd").decimalValue());
        page.navigate(server.url() + "/");
        assertThat(page.getByRole(AriaRole.LISTITEM).filter(new Locator.FilterOptions().setHasText(runId)))
                .containsText(String.format(java.util.Locale.ROOT, "$%.2f", run.path("costUsd").doubleValue()));

        JsonNode task = call("GET", "/api/v1/tasks/card-refunds?run=" + runId, admin, null, 200);
        int calls = task.path("cost").path("calls").asInt();
        assertThat(task.path("cost").path("byCall").size()).isEqualTo(calls).isPositive();
        page.navigate(server.url() + "/runs/" + runId + "/tasks/card-refunds");
        Locator table = page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Calls of this task"));
        assertThat(table.locator("tbody tr")).hasCount(calls);
        assertThat(table).containsText(task.path("cost").path("byCall").get(0).path("model").asText());
        assertThat(page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Protocol files")))
                .containsText("Refund a card payment");

        page.navigate(server.url() + "/cost");
        Locator byDay = page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("By day, routed vs all Opus"));
        JsonNode today = call("GET", "/api/v1/cost", admin, null, 200);
        assertThat(byDay.locator("tbody tr").last()).containsText(today.path("day").asText());
        assertThat(byDay.locator(".recharts-bar-rectangle").first()).isVisible();
        screenshot(page, "cost-1280.png");
    }

    /** Every page in the dark theme the system setting asks for: no serious violation, contrast included. */
    private void darkModeHasNoSeriousViolations(BrowserContext light, String runId) throws IOException {
        BrowserContext dark = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900)
                .setColorScheme(ColorScheme.DARK).setStorageState(light.storageState()));
        Page page = watched(dark.newPage());
        page.navigate(server.url() + "/runs/" + runId);
        assertThat(page.locator("[data-task='card-refunds']")).hasAttribute("data-state", "merged");
        assertThat(page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")).isEqualTo(true);
        // the run's audit trail: the approval made on the phone, with the approver's name
        assertThat(page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Decisions")))
                .containsText("approved card-refunds by ana (token");
        assertNoSeriousViolations(page, "run page in dark mode");
        screenshot(page, "run-dark-1280.png");
        // each page with what shows that its data has arrived, so that axe scans the page people see
        Map<String, String> loaded = new java.util.LinkedHashMap<>();
        loaded.put("/", "main li a[href='/runs/" + runId + "']");
        loaded.put("/runs/" + runId + "/tasks/card-refunds", "main [aria-label='Calls of this task'] tbody tr");
        loaded.put("/runs/" + runId + "/tasks/shipping-rates", "main #section-the-conductor-asks");
        loaded.put("/cost/" + runId, "main [data-chart='By model'] .recharts-bar-rectangle");
        loaded.put("/budget", "main dl dd");
        for (Map.Entry<String, String> entry : loaded.entrySet()) {
            page.navigate(server.url() + entry.getKey());
            assertThat(page.locator(entry.getValue()).first()).isVisible();
            assertNoSeriousViolations(page, entry.getKey() + " in dark mode");
        }
        screenshot(page, "budget-dark-1280.png");
    }

    private static com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions within(int seconds) {
        return new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(seconds * 1000.0);
    }

    /**
     * With {@code -Dkleiber.dashboard.png=docs/dashboard-run.png} the run view as README shows it: the viewport only,
     * at device scale 1, so the committed picture stays small.
     */
    private static void readmeScreenshot(Page page) {
        String target = System.getProperty("kleiber.dashboard.png", "");
        if (!target.isEmpty()) {
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of(target)).setFullPage(false));
        }
    }

    private Page watched(Page page) {
        page.onConsoleMessage(message -> {
            if (message.type().equals("error")) {
                consoleErrors.add(message.text() + " at " + message.location());
            }
        });
        page.onPageError(error -> consoleErrors.add("uncaught: " + error));
        return page;
    }

    private void assertNoSeriousViolations(Page page, String where) throws IOException {
        page.addScriptTag(new Page.AddScriptTagOptions().setContent(Files.readString(AXE)));
        String result = (String) page.evaluate("async () => JSON.stringify((await axe.run(document, {resultTypes: ['violations']}))"
                + ".violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
                + ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))");
        assertThat(JSON.readTree(result)).as("serious accessibility violations on the " + where + ": " + result).isEmpty();
    }

    private static void screenshot(Page page, String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name)).setFullPage(true));
    }

    private String token(String name, String scope) throws IOException {
        Cli.Result created = new Cli(repo).run("token", "create", "--name", name, "--scope", scope, "--json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        return JSON.readTree(created.out()).path("secret").asText();
    }

    private String startRun(String admin) throws IOException, InterruptedException {
        JsonNode started = call("POST", "/api/v1/runs", admin, JSON.createObjectNode().put("plan", PLAN).toString(), 202);
        return started.path("run").asText();
    }

    private String diffCommit(String token, String runId) throws IOException, InterruptedException {
        return call("GET", "/api/v1/tasks/card-refunds/diff?run=" + runId, token, null, 200).path("commit").asText();
    }

    private JsonNode call(String method, String path, String token, String body, int expected) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
            return JSON.readTree(response.body());
        }
    }
}

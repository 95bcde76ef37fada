package dev.kleiber.routing;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Explanation.Outcome;
import dev.kleiber.routing.RoutingRequest.Hints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouterTest {
    private static final Router ROUTER = new Router(new PolicyReader().bundled());

    private static RoutingDecision route(String text) {
        return ROUTER.route(RoutingRequest.of(text));
    }

    private static List<String> ruleIds(RoutingDecision decision) {
        return decision.reasons().stream().map(Reason::ruleId).toList();
    }

    @ParameterizedTest(name = "blueprint Opus example: {0}")
    @ValueSource(strings = {
            "Design event-driven architecture for cross-border payments",
            "Refactor authentication across 6 services without downtime",
            "Implement PCI-DSS compliant card storage",
            "Design rate limiting strategy for 10M requests/day"})
    void blueprintOpusExamplesRouteToOpus(String text) {
        assertThat(route(text).tier()).isEqualTo(Tier.OPUS);
    }

    @Test
    void blueprintOpusExamplesThatTouchTheForcedSetAlsoNeedReview() {
        assertThat(route("Design event-driven architecture for cross-border payments").humanReview()).isTrue();
        assertThat(route("Refactor authentication across 6 services without downtime").humanReview()).isTrue();
        assertThat(route("Implement PCI-DSS compliant card storage").humanReview()).isTrue();
        assertThat(route("Design rate limiting strategy for 10M requests/day").humanReview()).isFalse();
    }

    @ParameterizedTest(name = "blueprint Sonnet example: {0}")
    @ValueSource(strings = {
            "Add KYC status column and filter to dashboard",
            "Implement webhook handler with integration tests",
            "Create user settings page with form validation",
            "Add pagination to search results endpoint"})
    void blueprintSonnetExamplesRouteToSonnetWithoutReview(String text) {
        RoutingDecision decision = route(text);
        assertThat(decision.tier()).isEqualTo(Tier.SONNET);
        assertThat(decision.humanReview()).isFalse();
    }

    @ParameterizedTest(name = "blueprint Haiku example: {0}")
    @ValueSource(strings = {
            "Generate TypeScript types from JSON schema",
            "Add basic logging to these 5 functions",
            "Create DTO classes for these API responses",
            "Add JSDoc comments to exported functions"})
    void blueprintHaikuExamplesRouteToHaiku(String text) {
        RoutingDecision decision = route(text);
        assertThat(decision.tier()).isEqualTo(Tier.HAIKU);
        assertThat(decision.humanReview()).isFalse();
    }

    @Test
    void kycColumnAndFilterIsSkippedAsPresentationAndSaysSo() {
        Explanation explanation = ROUTER.explain(RoutingRequest.of("Add KYC status column and filter to dashboard"));

        assertThat(explanation.considered()).filteredOn(c -> c.ruleId().equals("forced.compliance"))
                .singleElement().satisfies(c -> {
                    assertThat(c.outcome()).isEqualTo(Outcome.SKIPPED_COSMETIC);
                    assertThat(c.evidence()).contains("'kyc'").contains("presentation").contains("'filter'");
                });
    }

    @ParameterizedTest(name = "role {0} starts at {1}")
    @CsvSource({"conductor,opus", "architect,opus", "engineer-frontend,sonnet", "engineer-backend,sonnet",
            "validator,haiku", "scribe,haiku"})
    void rolesStartAtTheirBlueprintTier(String role, String tier) {
        RoutingDecision decision = ROUTER.route(RoutingRequest.of("Look at the open items", role));

        assertThat(decision.tier().id()).isEqualTo(tier);
        assertThat(decision.roleDefault().id()).isEqualTo(tier);
        assertThat(decision.reasons().getFirst()).satisfies(r -> {
            assertThat(r.ruleId()).isEqualTo(Router.ROLE_DEFAULT);
            assertThat(r.evidence()).contains(role);
        });
    }

    @Test
    void noRoleStartsAtTheWorkersDefaultSonnet() {
        RoutingDecision decision = route("Look at the open items");

        assertThat(decision.tier()).isEqualTo(Tier.SONNET);
        assertThat(decision.reasons()).containsExactly(
                new Reason(Router.ROLE_DEFAULT, "no role given: workers start at sonnet"));
    }

    @Test
    void conductorStaysOpusEvenForBoilerplateAndMayNotBeLowered() {
        RoutingDecision decision = ROUTER.route(RoutingRequest.of("Create DTO classes for the plan", "conductor"));

        assertThat(decision.tier()).isEqualTo(Tier.OPUS);
        assertThat(decision.floor()).isEqualTo(Tier.OPUS);
        assertThat(decision.allows(Tier.SONNET)).isFalse();
        assertThat(ruleIds(decision)).doesNotContain("boilerplate.dto");
    }

    @Test
    void unknownRoleIsBadInputListingTheKnownRoles() {
        assertThatThrownBy(() -> ROUTER.route(RoutingRequest.of("Add a page", "designer")))
                .isInstanceOf(KleiberException.class)
                .hasMessage("unknown role 'designer'; known roles: conductor, architect, engineer-frontend, "
                        + "engineer-backend, validator, scribe")
                .extracting(e -> ((KleiberException) e).exitCode()).isEqualTo(2);
    }

    @Test
    void emptyTextIsBadInput() {
        assertThatThrownBy(() -> route("   ")).isInstanceOf(KleiberException.class)
                .hasMessageContaining("empty");
    }

    @ParameterizedTest(name = "forced: {0}")
    @CsvSource(delimiter = '|', value = {
            "Implement Stripe payment processing for renewals | forced.payments",
            "Add refund logic for partially shipped orders | forced.payments",
            "Let users pay with Apple Pay | forced.payments",
            "Change how authorization is checked for admin routes | forced.auth",
            "Users authorizing third-party apps must confirm scopes | forced.auth",
            "Encrypt the API keys stored in the integrations table | forced.encryption",
            "Implement GDPR right-to-be-forgotten deletion | forced.compliance",
            "Add AML screening to outgoing transfers | forced.compliance",
            "Add HIPAA audit logging for patient records | forced.compliance",
            "Refactor the error envelope across the orders, billing and search services | forced.multi-service-refactor"})
    void forcedSetIsOpusWithReviewAndCannotBeLowered(String text, String rule) {
        RoutingDecision decision = route(text);

        assertThat(decision.tier()).isEqualTo(Tier.OPUS);
        assertThat(decision.humanReview()).isTrue();
        assertThat(decision.isForced()).isTrue();
        assertThat(decision.floor()).isEqualTo(Tier.OPUS);
        assertThat(ruleIds(decision)).contains(rule);
    }

    @Test
    void multiServiceRefactorIsDetectedFromTheServicesHint() {
        Hints two = new Hints(List.of(), List.of("api", "worker"), Optional.empty(), Optional.empty());
        Hints one = new Hints(List.of(), List.of("api"), Optional.empty(), Optional.empty());

        RoutingDecision across = ROUTER.route(new RoutingRequest("Refactor the config loading", Optional.empty(), two));
        RoutingDecision within = ROUTER.route(new RoutingRequest("Refactor the config loading", Optional.empty(), one));

        assertThat(across.isForced()).isTrue();
        assertThat(across.reasons()).contains(new Reason("forced.multi-service-refactor",
                "'refactor', 2 services touched (api, worker)"));
        assertThat(within.tier()).isEqualTo(Tier.SONNET);
        assertThat(within.humanReview()).isFalse();
    }

    @Test
    void personalDataIsOpusWithForcedReview() {
        RoutingDecision decision = route("Import social security numbers from the HR CSV");
        RoutingDecision visitors = route("Store visitors' IP addresses with each page view");

        assertThat(decision.tier()).isEqualTo(Tier.OPUS);
        assertThat(decision.humanReview()).isTrue();
        assertThat(decision.floor()).isEqualTo(Tier.OPUS);
        assertThat(ruleIds(decision)).contains("forced.personal-data");
        assertThat(visitors.humanReview()).isTrue();
    }

    @Test
    void aNonDestructiveMigrationStaysOnSonnetWhileADestructiveOneIsOpusWithReview() {
        RoutingDecision safe = route("Add a status column to user_accounts with a non-destructive migration");
        RoutingDecision unsafe = route("Write a destructive migration that drops the legacy_orders table");

        assertThat(safe.tier()).isEqualTo(Tier.SONNET);
        assertThat(ruleIds(safe)).contains("sonnet.migration").doesNotContain("forced.destructive-migration");
        assertThat(unsafe.tier()).isEqualTo(Tier.OPUS);
        assertThat(unsafe.humanReview()).isTrue();
        assertThat(ruleIds(unsafe)).contains("forced.destructive-migration");
    }

    @Test
    void piiNextToAForcedRuleGetsReviewFromTheForcedRule() {
        RoutingDecision decision = route("Encrypt the date of birth column");

        assertThat(decision.humanReview()).isTrue();
        assertThat(ruleIds(decision)).contains("forced.encryption", "forced.personal-data");
    }

    @ParameterizedTest(name = "cosmetic, not sensitive: {0}")
    @CsvSource(delimiter = '|', value = {
            "Change the button colour on the checkout page | haiku",
            "Fix the label on the login form | haiku",
            "Add doc comments in the auth helper | haiku",
            "Fix a typo in the payment FAQ | haiku",
            "Update the authorized reviewers list in CONTRIBUTING.md | haiku",
            "Describe the encryption section of the README | haiku",
            "Rename the 'Pay' tab to 'Billing' in the navigation | haiku",
            "Show a spinner on the login button while the request runs | sonnet"})
    void cosmeticChangesThatMentionASensitiveWordRouteOnWhatTheyChange(String text, String tier) {
        RoutingDecision decision = route(text);

        assertThat(decision.tier().id()).isEqualTo(tier);
        assertThat(decision.humanReview()).isFalse();
    }

    @ParameterizedTest(name = "look-alike word, no sensitive domain: {0}")
    @ValueSource(strings = {
            "Display the order count in the header",
            "Render the webhook payload in the debug panel",
            "Write the tokenizer docs for the search index",
            "Count the input tokens per agent call",
            "Create a dashboard card component for uptime",
            "Add an author column to the articles view",
            "Replay the recorded HTTP fixtures",
            "Show the session duration on the workout screen"})
    void lookAlikeWordsDoNotTriggerTheForcedSet(String text) {
        RoutingDecision decision = route(text);

        assertThat(decision.humanReview()).as(decision.reasons().toString()).isFalse();
        assertThat(decision.tier()).isNotEqualTo(Tier.OPUS);
    }

    @Test
    void aCosmeticChangeNextToALogicChangeIsNotCosmetic() {
        RoutingDecision decision = route("Change the checkout button colour and fix the discount calculation");

        assertThat(decision.tier()).isEqualTo(Tier.OPUS);
        assertThat(decision.humanReview()).isTrue();
    }

    @Test
    void quickReversibleWorkGoesToHaikuFromHintsOrText() {
        Hints quick = new Hints(List.of(), List.of(), Optional.of(5), Optional.of(true));
        Hints slow = new Hints(List.of(), List.of(), Optional.of(30), Optional.of(true));
        Hints irreversible = new Hints(List.of(), List.of(), Optional.of(5), Optional.of(false));

        assertThat(ROUTER.route(new RoutingRequest("Add a health check endpoint", Optional.empty(), quick)).tier())
                .isEqualTo(Tier.HAIKU);
        assertThat(ROUTER.route(new RoutingRequest("Add a health check endpoint", Optional.empty(), slow)).tier())
                .isEqualTo(Tier.SONNET);
        assertThat(ROUTER.route(new RoutingRequest("Add a health check endpoint", Optional.empty(), irreversible))
                .tier()).isEqualTo(Tier.SONNET);
        assertThat(route("A 5-minute, fully reversible change: raise the client timeout").reasons())
                .contains(new Reason("boilerplate.quick-reversible", "'reversible', '5-minute'"));
    }

    @Test
    void quickReversibleDoesNotOverrideTheForcedSet() {
        Hints quick = new Hints(List.of(), List.of(), Optional.of(3), Optional.of(true));

        RoutingDecision decision = ROUTER.route(new RoutingRequest("Change the refund limit", Optional.empty(), quick));

        assertThat(decision.tier()).isEqualTo(Tier.OPUS);
        assertThat(decision.humanReview()).isTrue();
    }

    @Test
    void configFilesHintLowersToHaiku() {
        Hints files = new Hints(List.of("config/cache.yaml", "deploy/values.yml"), List.of(), Optional.empty(),
                Optional.empty());

        RoutingDecision decision = ROUTER.route(new RoutingRequest("Update the cache TTL", Optional.empty(), files));

        assertThat(decision.tier()).isEqualTo(Tier.HAIKU);
        assertThat(ruleIds(decision)).contains("boilerplate.config");
    }

    @Test
    void whatIsMadeComesFirst() {
        assertThat(route("Write unit tests for the DTO mappers").tier()).isEqualTo(Tier.SONNET);
        assertThat(route("Create DTOs for the search endpoint").tier()).isEqualTo(Tier.HAIKU);
    }

    @Test
    void contentRules() {
        assertThat(route("Write the first draft of the onboarding guide").tier()).isEqualTo(Tier.SONNET);
        assertThat(route("Final polish of the incident report for the regulator").tier()).isEqualTo(Tier.OPUS);
        assertThat(route("Update the internal runbook for restarts").tier()).isEqualTo(Tier.HAIKU);
        assertThat(ROUTER.route(RoutingRequest.of("Write the first draft of the migration guide", "scribe")).tier())
                .isEqualTo(Tier.SONNET);
    }

    @Test
    void explainListsEveryRuleOnceInPolicyOrder() {
        Explanation explanation = ROUTER.explain(RoutingRequest.of("Add refund logic and JSDoc comments"));

        assertThat(explanation.considered()).extracting(Explanation.Considered::ruleId)
                .containsExactlyElementsOf(ROUTER.policy().rules().stream().map(RoutingPolicy.Rule::id).toList());
        assertThat(explanation.considered()).filteredOn(c -> c.ruleId().equals("boilerplate.docstrings"))
                .singleElement().extracting(Explanation.Considered::outcome).isEqualTo(Outcome.OUTWEIGHED);
        assertThat(explanation.decision()).isEqualTo(ROUTER.route(RoutingRequest.of("Add refund logic and JSDoc comments")));
    }

    @ParameterizedTest(name = "presentation word, sensitive data: {0} ({1})")
    @CsvSource(delimiter = '|', value = {
            "Show the full card number on the receipt page | ",
            "Display the user's password hash in the admin panel | ",
            "Filter refunds by customer in GET /refunds | ",
            "Show the full card number on the receipt page | engineer-frontend",
            "Display the user's password hash in the admin panel | engineer-frontend",
            "Filter refunds by customer in GET /refunds | engineer-backend",
            "Sort payouts by amount on the finance admin page | engineer-frontend"})
    void aPresentationWordNeverLowersAForcedClassWhenTheTextNamesSensitiveData(String text, String role) {
        RoutingDecision decision = ROUTER.route(new RoutingRequest(text, Optional.ofNullable(role), Hints.NONE));

        assertThat(decision.tier()).isEqualTo(Tier.OPUS);
        assertThat(decision.humanReview()).as(decision.reasons().toString()).isTrue();
    }

    @Test
    void aPresentationWordLowersAForcedClassOnlyForAFrontendRoleOrNoRole() {
        String text = "Filter invoices by due date on the billing page";

        assertThat(ROUTER.route(RoutingRequest.of(text, Roles.ENGINEER_FRONTEND)).humanReview()).isFalse();
        assertThat(ROUTER.route(RoutingRequest.of(text)).humanReview()).isFalse();
        assertThat(ROUTER.route(RoutingRequest.of(text, Roles.ENGINEER_BACKEND)).humanReview()).isTrue();
    }

    @ParameterizedTest(name = "authorization without an auth word: {0}")
    @ValueSource(strings = {
            "Limit what shift supervisors may change on a schedule to their own team's shifts",
            "A session that was revoked must no longer reach the API",
            "Only users who can update a project may change its visibility",
            "Let a user grant a teammate access to a single folder",
            "Tenant admins may manage users of their own organization but not of other organizations",
            "Make the admin API reject requests without the admin role"})
    void authorizationPhrasedAsRolesAccessSessionsOrTenantsIsForced(String text) {
        RoutingDecision decision = route(text);

        assertThat(decision.humanReview()).as(decision.reasons().toString()).isTrue();
        assertThat(ruleIds(decision)).contains("forced.auth");
    }

    @ParameterizedTest(name = "uses auth, does not change it: {0}")
    @ValueSource(strings = {
            "Put the new /reports endpoint behind the existing auth middleware",
            "Add the existing requireAuth middleware to the new /exports routes",
            "Add a profile tab that is shown only to the signed-in user",
            "Add a KYC status column and a filter on it to the admin users table"})
    void usingTheExistingAuthOrAddingAKycFieldIsNotForced(String text) {
        RoutingDecision decision = route(text);

        assertThat(decision.humanReview()).as(decision.reasons().toString()).isFalse();
        assertThat(decision.tier()).isEqualTo(Tier.SONNET);
    }

    @Test
    void anExceptionPhraseTakesBackOnlyTheWordsInsideIt() {
        RoutingDecision decision = route("Put /reports behind the existing auth middleware and add a role check");

        assertThat(decision.humanReview()).isTrue();
        assertThat(decision.reasons()).contains(new Reason("forced.auth", "'role check'"));
    }

    @ParameterizedTest(name = "mechanical: {0}")
    @ValueSource(strings = {
            "Remove unused imports across the web module",
            "Replace the magic number 86400 with a SECONDS_PER_DAY constant",
            "Rename getUsr to getUser everywhere",
            "Reformat the SQL files with sqlfluff",
            "Create an empty handler for each of the five new webhook event types",
            "Add a comment explaining why the retry loop sleeps for two seconds",
            "Write internal notes on how to run the seed script locally",
            "Organize imports in the billing-ui package",
            "Create a skeleton for the new billing-report module with empty functions"})
    void mechanicalEditsGoToHaikuEvenInASensitiveArea(String text) {
        RoutingDecision decision = route(text);

        assertThat(decision.tier()).as(decision.reasons().toString()).isEqualTo(Tier.HAIKU);
        assertThat(decision.humanReview()).isFalse();
    }

    @Test
    void aMechanicalEditThatNamesSensitiveDataIsStillForced() {
        RoutingDecision decision = route("Rename the stored card number field in the payments module");

        assertThat(decision.humanReview()).isTrue();
    }

    @Test
    void themeIsAPresentationWordButThemIsNot() {
        assertThat(route("Viewers must not be able to download attachments, only preview them").humanReview()).isTrue();
        assertThat(route("Switch the login screen to the dark theme").humanReview()).isFalse();
    }

    @Test
    void aDeclaredFileInASensitivePathForcesReviewNamingThePathAndGlob() {
        Hints files = new Hints(List.of("src/auth/session.ts", "src/ui/menu.tsx"), List.of(), Optional.empty(),
                Optional.empty());
        RoutingDecision decision = ROUTER.route(new RoutingRequest("Rename the helper to formatLastSeen", Optional.empty(),
                files));

        assertThat(decision.tier()).isEqualTo(Tier.OPUS);
        assertThat(decision.humanReview()).isTrue();
        assertThat(decision.floor()).isEqualTo(Tier.OPUS);
        assertThat(decision.reasons()).contains(new Reason(Router.SENSITIVE_PATH,
                "declared files in sensitive paths: src/auth/session.ts (auth: src/auth/**)"));
    }

    @Test
    void theProjectsSensitivePathsReplaceTheDefaults() {
        Router router = new Router(new PolicyReader().bundled(),
                SensitivePaths.DEFAULTS.with(java.util.Map.of("auth", List.of("app/guards/**"))));
        Hints guards = new Hints(List.of("app/guards/admin.py"), List.of(), Optional.empty(), Optional.empty());
        Hints srcAuth = new Hints(List.of("src/auth/x.py"), List.of(), Optional.empty(), Optional.empty());

        assertThat(router.route(new RoutingRequest("Add a helper", Optional.empty(), guards)).humanReview()).isTrue();
        assertThat(router.route(new RoutingRequest("Add a helper", Optional.empty(), srcAuth)).humanReview()).isFalse();
    }

    @Test
    void aRiskThePlannerDeclaredForcesReviewAndCannotBeLowered() {
        Hints risk = new Hints(List.of(), List.of(), Optional.of(3), Optional.of(true), Optional.of("payments"));
        RoutingDecision decision = ROUTER.route(new RoutingRequest("Add JSDoc comments to the helpers", Optional.empty(),
                risk));

        assertThat(decision.tier()).isEqualTo(Tier.OPUS);
        assertThat(decision.humanReview()).isTrue();
        assertThat(decision.allows(Tier.SONNET)).isFalse();
        assertThat(decision.reasons()).contains(new Reason(Router.DECLARED_RISK, "the planner declared the risk 'payments'"));
    }
}

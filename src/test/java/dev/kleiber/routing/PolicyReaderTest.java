package dev.kleiber.routing;

import dev.kleiber.KleiberException;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyReaderTest {
    private final PolicyReader reader = new PolicyReader();
    private final RoutingPolicy bundled = reader.bundled();

    private static final String MINIMAL = """
            version: 1
            default-tier: sonnet
            roles:
              worker: sonnet
            rules:
              - id: boilerplate.dto
                effect: lower
                tier: haiku
                when:
                  terms: [dto]
            """;

    @Test
    void theBundledPolicyHasTheBlueprintRolesAndTheForcedSet() {
        assertThat(bundled.roleNames()).containsExactlyElementsOf(Roles.BLUEPRINT);
        assertThat(bundled.defaultTier()).isEqualTo(Tier.SONNET);
        assertThat(bundled.roles().get(Roles.CONDUCTOR).fixed()).isTrue();
        assertThat(bundled.rules()).filteredOn(r -> r.effect() == RoutingPolicy.Effect.FORCE)
                .extracting(RoutingPolicy.Rule::id)
                .containsExactly("forced.payments", "forced.auth", "forced.encryption", "forced.compliance",
                        "forced.secrets", "forced.multi-service-refactor", "forced.personal-data",
                        "forced.destructive-migration");
    }

    @Test
    void readsAMinimalPolicy() {
        RoutingPolicy policy = reader.read(MINIMAL, "p.yaml");

        assertThat(policy.rules()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("boilerplate.dto");
            assertThat(r.when().getFirst().terms()).containsExactly("dto");
            assertThat(r.enabled()).isTrue();
        });
        assertThat(new Router(policy).route(RoutingRequest.of("Create DTOs", "worker")).tier()).isEqualTo(Tier.HAIKU);
    }

    @Test
    void errorsNameTheFileTheLineAndWhatWasExpected() {
        expectError(MINIMAL.replace("tier: haiku", "tier: gpt4"), "p.yaml line 8: 'tier' must be one of opus, sonnet, haiku; found 'gpt4'");
        expectError(MINIMAL.replace("effect: lower", "effect: shrink"), "p.yaml line 7: 'effect' must be one of force, floor, raise, keep, lower; found 'shrink'");
        expectError(MINIMAL.replace("terms: [dto]", "terms: [dto]\n      colour: red"), "p.yaml line 11: unknown key 'colour'; expected one of");
        expectError(MINIMAL.replace("terms: [dto]", "terms: [\"* dto\"]"), "p.yaml line 10: term '* dto' must begin and end with a word");
        expectError(MINIMAL.replace("version: 1", "version: 2"), "p.yaml line 1: 'version' must be 1; found '2'");
        expectError(MINIMAL.replace("id: boilerplate.dto", "id: Boilerplate DTO"), "p.yaml line 6: rule id must be lower-case words joined by dots");
        expectError(MINIMAL.replace("id: boilerplate.dto", "id: role.default"), "p.yaml line 6: rule id 'role.default' is reserved");
        expectError(MINIMAL.replace("effect: lower\n    tier: haiku", "effect: force\n    tier: sonnet"),
                "p.yaml line 8: a 'force' rule means opus and human review; its tier must be opus, found 'sonnet'");
        expectError(MINIMAL + """
                  - id: boilerplate.dto
                    effect: lower
                    tier: haiku
                    when: {terms: [mapper]}
                """, "p.yaml line 11: rule id 'boilerplate.dto' is used twice (first at line 6)");
        expectError(MINIMAL.replace("terms: [dto]", "services-at-least: 0"), "p.yaml line 10: 'services-at-least' must be a whole number from 1 to 100000; found '0'");
        expectError("default-tier: sonnet\nroles: {}\n", "p.yaml line 1: 'rules' is required");
        expectError(MINIMAL.replace("terms: [dto]", "files-any: [\"[oops\"]"), "p.yaml line 10: '[oops' is not a valid file glob");
    }

    private void expectError(String yaml, String message) {
        assertThatThrownBy(() -> reader.read(yaml, "p.yaml"))
                .isInstanceOf(KleiberException.class)
                .hasMessageStartingWith(message)
                .extracting(e -> ((KleiberException) e).exitCode()).isEqualTo(2);
    }

    @Test
    void aProjectPolicyReplacesAddsAndDisablesRulesAndOverridesRoles() {
        RoutingPolicy extended = reader.extend(bundled, """
                default-tier: haiku
                roles:
                  validator: sonnet
                  designer: {tier: opus}
                cosmetic:
                  presentation: [mockup]
                rules:
                  - id: boilerplate.logging
                    enabled: false
                  - id: opus.design
                    effect: raise
                    tier: opus
                    when:
                      terms: [architecture, "capacity model"]
                  - id: project.ledger
                    description: our ledger service is money flow
                    effect: force
                    when:
                      terms: [ledgerd]
                """, ".kleiber/policy.yaml");
        Router router = new Router(extended);

        assertThat(extended.defaultTier()).isEqualTo(Tier.HAIKU);
        assertThat(extended.roles().get("validator").tier()).isEqualTo(Tier.SONNET);
        assertThat(router.roles()).contains("designer", "conductor");
        assertThat(extended.rule("boilerplate.logging")).hasValueSatisfying(r -> assertThat(r.enabled()).isFalse());
        assertThat(extended.rules().indexOf(extended.rule("opus.design").orElseThrow()))
                .isEqualTo(bundled.rules().indexOf(bundled.rule("opus.design").orElseThrow()));
        assertThat(extended.rules().getLast().id()).isEqualTo("project.ledger");
        assertThat(extended.cosmetic().presentation()).contains("mockup", "color");

        assertThat(router.route(RoutingRequest.of("Add basic logging to the parser")).tier()).isEqualTo(Tier.HAIKU);
        assertThat(router.route(RoutingRequest.of("Add basic logging to the parser", "engineer-backend")).tier())
                .isEqualTo(Tier.SONNET);
        assertThat(router.route(RoutingRequest.of("Write the capacity model", "engineer-backend")).tier())
                .isEqualTo(Tier.OPUS);
        assertThat(router.route(RoutingRequest.of("Tune the ledgerd batch size")).isForced()).isTrue();
        assertThat(router.explain(RoutingRequest.of("Add logging", "engineer-backend")).considered())
                .filteredOn(c -> c.ruleId().equals("boilerplate.logging"))
                .extracting(Explanation.Considered::outcome).containsExactly(Explanation.Outcome.DISABLED);
    }

    @Test
    void switchingOffAnUnknownRuleIsAnErrorListingTheKnownOnes() {
        assertThatThrownBy(() -> reader.extend(bundled, "rules:\n  - {id: forced.payment, enabled: false}\n",
                ".kleiber/policy.yaml"))
                .isInstanceOf(KleiberException.class)
                .hasMessageStartingWith(".kleiber/policy.yaml line 2: rule 'forced.payment' is not in the default policy")
                .hasMessageContaining("forced.payments");
    }

    @Test
    void anEmptyProjectPolicyChangesNothing() {
        RoutingPolicy extended = reader.extend(bundled, "# nothing yet\n", ".kleiber/policy.yaml");

        assertThat(extended).isEqualTo(bundled);
    }

    @Test
    void unsafeYamlIsRefused() {
        assertThatThrownBy(() -> reader.extend(bundled, "roles: &r {a: opus}\n", "x.yaml"))
                .hasMessageContaining("anchors");
    }
}

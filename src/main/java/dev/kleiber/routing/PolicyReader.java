package dev.kleiber.routing;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.RoutingPolicy.Condition;
import dev.kleiber.routing.RoutingPolicy.Cosmetic;
import dev.kleiber.routing.RoutingPolicy.CosmeticKind;
import dev.kleiber.routing.RoutingPolicy.Effect;
import dev.kleiber.routing.RoutingPolicy.RoleDefault;
import dev.kleiber.routing.RoutingPolicy.Rule;
import dev.kleiber.yaml.SafeYaml;
import dev.kleiber.yaml.YamlNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads routing policies from YAML text. The bundled default is a complete policy; a project's
 * {@code .kleiber/policy.yaml} has the same keys, all optional, and extends it: its roles and
 * {@code default-tier} replace the default's, its cosmetic words are added, a rule with a known id
 * replaces that rule in place, a rule with a new id is added at the end, and {@code {id: x, enabled: false}}
 * switches rule x off. Every error names the source, the line and what was expected.
 */
public final class PolicyReader {
    /** The bundled default policy, a resource beside this class. */
    public static final String BUNDLED = "default-policy.yaml";

    private static final Pattern RULE_ID = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z0-9-]+)*");
    private static final Set<String> TOP_KEYS = Set.of("version", "default-tier", "roles", "cosmetic", "rules");
    private static final Set<String> RULE_KEYS = Set.of("id", "description", "effect", "tier", "skip-when", "when",
            "enabled");
    private static final Set<String> CONDITION_KEYS = Set.of("terms", "unless", "with", "services-at-least", "minutes-below",
            "reversible", "files-any", "files-all");
    private static final Set<String> COSMETIC_KEYS = Set.of("presentation", "documentation", "mechanical", "logic",
            "sensitive", "presentation-roles");
    private static final Set<String> ROLE_KEYS = Set.of("tier", "fixed");

    private final SafeYaml yaml = new SafeYaml();

    /** The policy Kleiber ships: the blueprint's Model Selection Policy and Orchestration Rules. */
    public RoutingPolicy bundled() {
        try (InputStream in = PolicyReader.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw KleiberException.failed("the bundled routing policy " + BUNDLED + " is missing from the build");
            }
            return read(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled " + BUNDLED);
        } catch (IOException e) {
            throw KleiberException.failed("cannot read the bundled routing policy: " + e.getMessage(), e);
        }
    }

    /** A complete policy: {@code default-tier}, {@code roles} and {@code rules} are required. */
    public RoutingPolicy read(String text, String source) {
        YamlNode.Mapping root = root(text, source);
        Tier defaultTier = tier(root.require("default-tier"), "default-tier");
        Map<String, RoleDefault> roles = roles(root.require("roles").asMapping("roles"));
        Cosmetic cosmetic = root.mapping("cosmetic").map(PolicyReader::cosmetic)
                .orElse(Cosmetic.NONE);
        List<Rule> rules = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (YamlNode node : root.require("rules").asSequence("rules").items()) {
            Rule rule = rule(node.asMapping("rule"));
            noDuplicate(seen, rule.id(), node);
            rules.add(rule);
        }
        return new RoutingPolicy(defaultTier, roles, cosmetic, rules);
    }

    /** {@code base} extended by a project's policy file. */
    public RoutingPolicy extend(RoutingPolicy base, String text, String source) {
        YamlNode.Mapping root = root(text, source);
        Tier defaultTier = root.get("default-tier").map(n -> tier(n, "default-tier")).orElse(base.defaultTier());
        Map<String, RoleDefault> roles = new LinkedHashMap<>(base.roles());
        root.mapping("roles").ifPresent(m -> roles.putAll(roles(m)));
        Cosmetic cosmetic = root.mapping("cosmetic").map(m -> base.cosmetic().plus(cosmetic(m))).orElse(base.cosmetic());
        List<Rule> rules = new ArrayList<>(base.rules());
        Map<String, Integer> seen = new HashMap<>();
        for (YamlNode node : root.list("rules")) {
            YamlNode.Mapping m = node.asMapping("rule");
            String id = ruleId(m);
            noDuplicate(seen, id, node);
            int at = indexOf(rules, id);
            if (isToggle(m)) {
                if (at < 0) {
                    throw m.error("rule '" + id + "' is not in the default policy, so it cannot be switched on or off; "
                            + "known rules: " + rules.stream().map(Rule::id).collect(Collectors.joining(", ")));
                }
                rules.set(at, rules.get(at).withEnabled(m.require("enabled").asBoolean("enabled")));
            } else if (at >= 0) {
                rules.set(at, rule(m));
            } else {
                rules.add(rule(m));
            }
        }
        return new RoutingPolicy(defaultTier, roles, cosmetic, rules);
    }

    private YamlNode.Mapping root(String text, String source) {
        YamlNode.Mapping root = yaml.parse(text, source).asMapping("the policy");
        root.allowOnly(TOP_KEYS);
        root.get("version").ifPresent(v -> {
            if (v.asInteger("version") != 1) {
                throw v.error("'version' must be 1; found '" + v.asText("version") + "'");
            }
        });
        return root;
    }

    private static boolean isToggle(YamlNode.Mapping m) {
        return m.get("enabled").isPresent() && m.entries().keySet().stream().allMatch(k -> k.equals("id") || k.equals("enabled"));
    }

    private static int indexOf(List<Rule> rules, String id) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private static void noDuplicate(Map<String, Integer> seen, String id, YamlNode node) {
        Integer first = seen.putIfAbsent(id, node.line());
        if (first != null) {
            throw node.error("rule id '" + id + "' is used twice (first at line " + first + ")");
        }
    }

    private static Map<String, RoleDefault> roles(YamlNode.Mapping m) {
        Map<String, RoleDefault> roles = new LinkedHashMap<>();
        m.entries().forEach((name, node) -> {
            if (!RULE_ID.matcher(name).matches()) {
                throw node.error("role name '" + name + "' must be lower-case letters, digits and dashes");
            }
            if (node instanceof YamlNode.Scalar) {
                roles.put(name, new RoleDefault(name, tier(node, name), false));
            } else {
                YamlNode.Mapping role = node.asMapping(name).allowOnly(ROLE_KEYS);
                roles.put(name, new RoleDefault(name, tier(role.require("tier"), "tier"),
                        role.bool("fixed").orElse(false)));
            }
        });
        return roles;
    }

    private static Cosmetic cosmetic(YamlNode.Mapping m) {
        m.allowOnly(COSMETIC_KEYS);
        List<String> roles = new ArrayList<>();
        for (YamlNode item : m.list("presentation-roles")) {
            String role = item.asText("presentation-roles");
            if (!RULE_ID.matcher(role).matches()) {
                throw item.error("'presentation-roles' lists role names (lower-case letters, digits and dashes); found '"
                        + role + "'");
            }
            roles.add(role);
        }
        return new Cosmetic(terms(m, "presentation"), terms(m, "documentation"), terms(m, "mechanical"),
                terms(m, "logic"), terms(m, "sensitive"), roles);
    }

    private static String ruleId(YamlNode.Mapping m) {
        YamlNode node = m.require("id");
        String id = node.asText("id");
        if (!RULE_ID.matcher(id).matches()) {
            throw node.error("rule id must be lower-case words joined by dots, like 'forced.payments'; found '" + id + "'");
        }
        if (id.equals(Router.ROLE_DEFAULT)) {
            throw node.error("rule id '" + Router.ROLE_DEFAULT + "' is reserved for the role's starting tier");
        }
        return id;
    }

    private static Rule rule(YamlNode.Mapping m) {
        m.allowOnly(RULE_KEYS);
        String id = ruleId(m);
        YamlNode effectNode = m.require("effect");
        Effect effect = Effect.parse(effectNode.asText("effect")).orElseThrow(() -> effectNode.error(
                "'effect' must be one of " + Arrays.stream(Effect.values()).map(Effect::id).collect(Collectors.joining(", "))
                        + "; found '" + effectNode.asText("effect") + "'"));
        Tier tier;
        if (effect == Effect.FORCE) {
            tier = m.get("tier").map(n -> tier(n, "tier")).orElse(Tier.OPUS);
            if (tier != Tier.OPUS) {
                throw m.require("tier").error("a 'force' rule means opus and human review; its tier must be opus, found '"
                        + tier.id() + "'");
            }
        } else {
            tier = tier(m.require("tier"), "tier");
        }
        List<CosmeticKind> skipWhen = new ArrayList<>();
        m.get("skip-when").ifPresent(n -> {
            List<YamlNode> items = n instanceof YamlNode.Sequence s ? s.items() : List.of(n);
            for (YamlNode item : items) {
                String kind = item.asText("skip-when");
                skipWhen.add(Arrays.stream(CosmeticKind.values()).filter(k -> k.id().equals(kind)).findFirst()
                        .orElseThrow(() -> item.error("'skip-when' must list presentation, documentation and/or mechanical; found '"
                                + kind + "'")));
            }
        });
        YamlNode when = m.require("when");
        List<Condition> conditions = new ArrayList<>();
        List<YamlNode> items = when instanceof YamlNode.Sequence s ? s.items() : List.of(when);
        if (items.isEmpty()) {
            throw when.error("'when' needs at least one condition");
        }
        for (YamlNode item : items) {
            conditions.add(condition(item.asMapping("when")));
        }
        return new Rule(id, m.text("description").orElse(""), effect, tier, skipWhen, conditions,
                m.bool("enabled").orElse(true));
    }

    private static Condition condition(YamlNode.Mapping m) {
        m.allowOnly(CONDITION_KEYS);
        if (m.entries().isEmpty()) {
            throw m.error("a condition needs at least one of " + String.join(", ", CONDITION_KEYS.stream().sorted().toList()));
        }
        if (m.get("unless").isPresent() && m.get("terms").isEmpty()) {
            throw m.error("'unless' narrows 'terms'; give 'terms' too");
        }
        return new Condition(terms(m, "terms"), terms(m, "unless"), terms(m, "with"),
                m.get("services-at-least").map(n -> positive(n, "services-at-least")),
                m.get("minutes-below").map(n -> positive(n, "minutes-below")),
                m.bool("reversible"), globs(m, "files-any"), globs(m, "files-all"));
    }

    private static List<String> terms(YamlNode.Mapping m, String key) {
        List<String> terms = new ArrayList<>();
        for (YamlNode item : m.get(key).map(n -> n instanceof YamlNode.Scalar ? List.of(n) : n.asSequence(key).items())
                .orElse(List.of())) {
            String term = item.asText(key);
            Optional<String> problem = Terms.problem(term);
            if (problem.isPresent()) {
                throw item.error(problem.get());
            }
            terms.add(term);
        }
        return terms;
    }

    private static List<String> globs(YamlNode.Mapping m, String key) {
        List<String> globs = new ArrayList<>();
        for (YamlNode item : m.get(key).map(n -> n instanceof YamlNode.Scalar ? List.of(n) : n.asSequence(key).items())
                .orElse(List.of())) {
            String glob = item.asText(key);
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (IllegalArgumentException e) {
                throw item.error("'" + glob + "' is not a valid file glob: " + e.getMessage());
            }
            globs.add(glob);
        }
        return globs;
    }

    private static int positive(YamlNode node, String key) {
        long value = node.asInteger(key);
        if (value < 1 || value > 100_000) {
            throw node.error("'" + key + "' must be a whole number from 1 to 100000; found '" + node.asText(key) + "'");
        }
        return (int) value;
    }

    private static Tier tier(YamlNode node, String key) {
        String text = node.asText(key);
        return Tier.parse(text).orElseThrow(() -> node.error("'" + key + "' must be one of " + Tier.choices()
                + "; found '" + text + "'"));
    }
}

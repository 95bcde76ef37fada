package dev.kleiber.routing;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Explanation.Considered;
import dev.kleiber.routing.Explanation.Outcome;
import dev.kleiber.routing.RoutingPolicy.Condition;
import dev.kleiber.routing.RoutingPolicy.CosmeticKind;
import dev.kleiber.routing.RoutingPolicy.Effect;
import dev.kleiber.routing.RoutingPolicy.RoleDefault;
import dev.kleiber.routing.RoutingPolicy.Rule;
import dev.kleiber.routing.RoutingRequest.Hints;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Picks the cheapest tier that can reliably do a task, with the reasons. Compiles a {@link RoutingPolicy}
 * once; {@link #route} is then pure, allocation-light and safe to call from many threads.
 *
 * <p>How a decision is made: the role gives the starting tier. Each enabled rule is matched against the
 * task's words and hints; a rule marked {@code skip-when} is skipped when the text reads as only a
 * cosmetic or documentation change (evidence of that kind and no logic word). Then: raises lift the tier;
 * a lower rule brings it down unless a raise, or a keep rule whose words come earlier in the text (the
 * thing being made comes first in "Write tests for the DTO mappers"), holds it; force and floor rules set
 * the minimum, and force adds human review. A fixed role (conductor, architect) ignores raise, keep and
 * lower. Safety wins ties: nothing lowers a tier below what a force or floor rule demands.
 */
public final class Router {
    /** The reason id that names the role's starting tier. */
    public static final String ROLE_DEFAULT = "role.default";
    /** The reason id of a declared file in a sensitive path: review is forced. */
    public static final String SENSITIVE_PATH = "paths.sensitive";
    /** The reason id of a risk category the planner declared: review is forced. */
    public static final String DECLARED_RISK = "planner.risk";

    private static final Pattern MINUTES_IN_TEXT = Pattern.compile(
            "(?<![\\w.])(\\d{1,4})\\s*-?\\s*(?:minutes?|mins?)\\b", Pattern.CASE_INSENSITIVE);

    private final RoutingPolicy policy;
    private final SensitivePaths sensitivePaths;
    private final Adaptation adaptation;
    private final List<CompiledRule> rules;
    private final Map<CosmeticKind, Integer> cosmetic = new EnumMap<>(CosmeticKind.class);
    private final int logic;
    private final int sensitive;
    private final Terms terms;

    /** A router with the default sensitive paths. */
    public Router(RoutingPolicy policy) {
        this(policy, SensitivePaths.DEFAULTS);
    }

    public Router(RoutingPolicy policy, SensitivePaths sensitivePaths) {
        this(policy, sensitivePaths, Adaptation.NONE);
    }

    /** A router that also raises the classes the repository's outcomes show to be too hard for their tier. */
    public Router(RoutingPolicy policy, SensitivePaths sensitivePaths, Adaptation adaptation) {
        this.policy = policy;
        this.sensitivePaths = sensitivePaths;
        this.adaptation = adaptation;
        Terms.Builder builder = new Terms.Builder();
        this.rules = policy.rules().stream().map(r -> new CompiledRule(r, builder)).toList();
        for (CosmeticKind kind : CosmeticKind.values()) {
            cosmetic.put(kind, builder.add(policy.cosmetic().words(kind)));
        }
        this.logic = builder.add(policy.cosmetic().logic());
        this.sensitive = builder.add(policy.cosmetic().sensitive());
        this.terms = builder.build();
    }

    public RoutingPolicy policy() {
        return policy;
    }

    /** The roles the policy knows. */
    public List<String> roles() {
        return policy.roleNames();
    }

    public RoutingDecision route(RoutingRequest request) {
        return evaluate(request, false).decision();
    }

    /** The decision with every rule considered and what became of it. */
    public Explanation explain(RoutingRequest request) {
        return evaluate(request, true);
    }

    /** Builds the per-rule record only when {@code explain}: routing thousands of lines must not pay for it. */
    private Explanation evaluate(RoutingRequest request, boolean explain) {
        if (request.text().isBlank()) {
            throw KleiberException.badInput("the task description is empty; say what the task does");
        }
        Optional<RoleDefault> role = request.role().map(this::role);
        Tier start = role.map(RoleDefault::tier).orElse(policy.defaultTier());
        boolean fixed = role.map(RoleDefault::fixed).orElse(false);
        Terms.Found found = terms.scan(Tokens.of(request.text()));
        Facts facts = new Facts(found, request.hints(), minutes(request));

        Map<CosmeticKind, List<Terms.Match>> cosmeticFound = cosmeticEvidence(found, role);
        boolean behaviour = !found.of(logic).isEmpty();

        List<Hit> hits = new ArrayList<>();
        Considered[] considered = new Considered[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i).rule();
            if (!r.enabled()) {
                considered[i] = explain ? new Considered(r.id(), describe(r), Outcome.DISABLED, "") : null;
                continue;
            }
            Optional<Hit> hit = rules.get(i).match(facts, i);
            if (hit.isEmpty()) {
                considered[i] = explain ? new Considered(r.id(), describe(r), Outcome.NO_MATCH, "") : null;
                continue;
            }
            Optional<CosmeticKind> skipFor = behaviour ? Optional.empty()
                    : r.skipWhen().stream().filter(k -> !cosmeticFound.get(k).isEmpty()).findFirst();
            if (skipFor.isPresent()) {
                considered[i] = new Considered(r.id(), describe(r), Outcome.SKIPPED_COSMETIC, hit.get().evidence()
                        + "; but the task reads as " + skipFor.get().id() + " only ("
                        + quoted(cosmeticFound.get(skipFor.get())) + ") with no logic word");
                continue;
            }
            hits.add(hit.get());
        }

        List<SensitivePaths.Match> pathMatches = sensitivePaths.matches(request.hints().filesTouched());
        Optional<String> risk = request.hints().declaredRisk();
        Tier floor = fixed ? start : Tier.HAIKU;
        boolean review = !pathMatches.isEmpty() || risk.isPresent();
        if (review) {
            floor = Tier.OPUS;
        }
        for (Hit hit : hits) {
            if (hit.rule().effect() == Effect.FORCE) {
                floor = Tier.OPUS;
                review = true;
            } else if (hit.rule().effect() == Effect.FLOOR) {
                floor = Tier.max(floor, hit.rule().tier());
            }
        }
        Tier tier = Tier.max(fixed ? start : adjusted(start, hits), floor);

        List<Reason> reasons = new ArrayList<>();
        reasons.add(new Reason(ROLE_DEFAULT, role.map(r -> "role " + r.role() + " starts at " + r.tier().id()
                        + (r.fixed() ? " and stays there" : ""))
                .orElse("no role given: workers start at " + start.id())));
        for (Hit hit : hits) {
            Rule r = hit.rule();
            boolean constraint = r.effect() == Effect.FORCE || r.effect() == Effect.FLOOR;
            boolean applied = r.tier() == tier && (constraint || !fixed);
            if (applied) {
                reasons.add(new Reason(r.id(), hit.evidence()));
            }
            String why = applied ? hit.evidence() : hit.evidence() + "; " + (fixed && !constraint
                    ? "role " + role.map(RoleDefault::role).orElse("") + " is fixed at " + start.id()
                    : "outweighed: the decision is " + tier.id());
            considered[hit.index()] = new Considered(r.id(), describe(r),
                    applied ? Outcome.APPLIED : Outcome.OUTWEIGHED, why);
        }
        if (!review && !fixed) {
            Optional<Adaptation.Raise> raise = adaptation.raiseFor(reasons.stream().map(Reason::ruleId).toList(), tier);
            if (raise.isPresent() && tier != Tier.OPUS) {
                tier = tier.up();
                reasons.add(new Reason(Adaptation.LEARNED, raise.get().evidence()));
            }
        }
        if (!pathMatches.isEmpty()) {
            reasons.add(new Reason(SENSITIVE_PATH, "declared files in sensitive paths: " + pathMatches.stream()
                    .map(SensitivePaths.Match::describe).collect(Collectors.joining(", "))));
        }
        risk.ifPresent(r -> reasons.add(new Reason(DECLARED_RISK, "the planner declared the risk '" + r + "'")));
        RoutingDecision decision = new RoutingDecision(tier, review, reasons, start, floor);
        return new Explanation(decision, explain ? List.of(considered) : List.of());
    }

    /**
     * The cosmetic words found, per kind. A text naming sensitive data is never only presentation or only a
     * mechanical edit, and a presentation word counts only for no role or a role that works on looks: wording
     * must not switch a forced class off (issue 13, defect 1).
     */
    private Map<CosmeticKind, List<Terms.Match>> cosmeticEvidence(Terms.Found found, Optional<RoleDefault> role) {
        boolean namesSensitiveData = !found.of(sensitive).isEmpty();
        boolean looksRole = role.map(r -> policy.cosmetic().presentationRoles().contains(r.role())).orElse(true);
        Map<CosmeticKind, List<Terms.Match>> evidence = new EnumMap<>(CosmeticKind.class);
        cosmetic.forEach((kind, slot) -> evidence.put(kind, switch (kind) {
            case DOCUMENTATION -> found.of(slot);
            case MECHANICAL -> namesSensitiveData ? List.of() : found.of(slot);
            case PRESENTATION -> namesSensitiveData || !looksRole ? List.of() : found.of(slot);
        }));
        return evidence;
    }

    /** Raise, keep and lower applied to a non-fixed role's starting tier. */
    private static Tier adjusted(Tier start, List<Hit> hits) {
        Tier tier = start;
        Tier hold = Tier.HAIKU;
        for (Hit hit : hits) {
            if (hit.rule().effect() == Effect.RAISE) {
                tier = Tier.max(tier, hit.rule().tier());
                hold = Tier.max(hold, hit.rule().tier());
            }
        }
        Tier target = null;
        int firstLower = Integer.MAX_VALUE;
        for (Hit hit : hits) {
            if (hit.rule().effect() == Effect.LOWER && hit.rule().tier().compareTo(tier) < 0) {
                target = target == null || hit.rule().tier().compareTo(target) < 0 ? hit.rule().tier() : target;
                firstLower = Math.min(firstLower, hit.position());
            }
        }
        if (target == null) {
            return tier;
        }
        for (Hit hit : hits) {
            if (hit.rule().effect() == Effect.KEEP && hit.position() < firstLower) {
                hold = Tier.max(hold, hit.rule().tier());
            }
        }
        Tier lowered = Tier.max(target, hold);
        return lowered.compareTo(tier) < 0 ? lowered : tier;
    }

    private RoleDefault role(String name) {
        RoleDefault role = policy.roles().get(name.strip());
        if (role == null) {
            throw KleiberException.badInput("unknown role '" + name + "'; known roles: "
                    + String.join(", ", policy.roleNames()));
        }
        return role;
    }

    private static Optional<Minutes> minutes(RoutingRequest request) {
        if (request.hints().estimatedMinutes().isPresent()) {
            int m = request.hints().estimatedMinutes().get();
            return Optional.of(new Minutes(m, -1, "estimated " + m + " minutes (hint)"));
        }
        Matcher matcher = MINUTES_IN_TEXT.matcher(request.text());
        if (matcher.find()) {
            return Optional.of(new Minutes(Integer.parseInt(matcher.group(1)), 0, "'" + matcher.group() + "'"));
        }
        return Optional.empty();
    }

    private static String describe(Rule rule) {
        return switch (rule.effect()) {
            case FORCE -> "opus + human review";
            case FLOOR -> "at least " + rule.tier().id() + ", not lowerable";
            case RAISE -> "at least " + rule.tier().id();
            case KEEP -> "keeps " + rule.tier().id() + " against lowering";
            case LOWER -> "down to " + rule.tier().id();
        };
    }

    private static String quoted(List<Terms.Match> matches) {
        return matches.stream().map(m -> "'" + m.text() + "'").distinct().collect(Collectors.joining(", "));
    }

    private record Minutes(int value, int position, String evidence) {
    }

    private record Facts(Terms.Found found, Hints hints, Optional<Minutes> minutes) {
    }

    private record ConditionHit(int position, List<String> evidence) {
    }

    /** A rule that matched: where its first word is (-1 for a hint) and what matched. */
    private record Hit(Rule rule, int index, int position, String evidence) {
    }

    private static final class CompiledRule {
        private final Rule rule;
        private final List<CompiledCondition> conditions;

        CompiledRule(Rule rule, Terms.Builder terms) {
            this.rule = rule;
            this.conditions = rule.when().stream().map(c -> new CompiledCondition(c, terms)).toList();
        }

        Rule rule() {
            return rule;
        }

        Optional<Hit> match(Facts facts, int index) {
            Set<String> evidence = null;
            int position = Integer.MAX_VALUE;
            for (CompiledCondition condition : conditions) {
                Optional<ConditionHit> hit = condition.match(facts);
                if (hit.isPresent()) {
                    evidence = evidence == null ? new LinkedHashSet<>() : evidence;
                    evidence.addAll(hit.get().evidence());
                    position = Math.min(position, hit.get().position());
                }
            }
            if (evidence == null) {
                return Optional.empty();
            }
            return Optional.of(new Hit(rule, index, position, String.join(", ", evidence)));
        }
    }

    private static final class CompiledCondition {
        private final Condition condition;
        private final int terms;
        private final int unless;
        private final int with;
        private final List<Glob> filesAny;
        private final List<Glob> filesAll;

        CompiledCondition(Condition condition, Terms.Builder builder) {
            this.condition = condition;
            this.terms = builder.add(condition.terms());
            this.unless = builder.add(condition.unless());
            this.with = builder.add(condition.with());
            this.filesAny = condition.filesAny().stream().map(Glob::new).toList();
            this.filesAll = condition.filesAll().stream().map(Glob::new).toList();
        }

        /** The evidence and the earliest position when every part holds. Cheap when a part fails. */
        Optional<ConditionHit> match(Facts facts) {
            List<Terms.Match> termMatches = outside(facts.found().of(terms), facts.found().of(unless));
            if (terms != Terms.NONE && termMatches.isEmpty()) {
                return Optional.empty();
            }
            List<Terms.Match> withMatches = facts.found().of(with);
            if (with != Terms.NONE && withMatches.isEmpty()) {
                return Optional.empty();
            }
            List<String> found = new ArrayList<>();
            int position = Integer.MAX_VALUE;
            for (List<Terms.Match> matches : List.of(termMatches, withMatches)) {
                if (!matches.isEmpty()) {
                    matches.forEach(m -> found.add("'" + m.text() + "'"));
                    position = Math.min(position, matches.getFirst().start());
                }
            }
            Hints hints = facts.hints();
            if (condition.servicesAtLeast().isPresent()) {
                if (hints.servicesTouched().size() < condition.servicesAtLeast().get()) {
                    return Optional.empty();
                }
                found.add(hints.servicesTouched().size() + " services touched (" + String.join(", ",
                        hints.servicesTouched()) + ")");
                position = -1;
            }
            if (condition.minutesBelow().isPresent()) {
                Optional<Minutes> minutes = facts.minutes();
                if (minutes.isEmpty() || minutes.get().value() >= condition.minutesBelow().get()) {
                    return Optional.empty();
                }
                found.add(minutes.get().evidence());
                position = Math.min(position, minutes.get().position());
            }
            if (condition.reversible().isPresent()) {
                if (!hints.reversible().equals(condition.reversible())) {
                    return Optional.empty();
                }
                found.add((hints.reversible().get() ? "reversible" : "not reversible") + " (hint)");
                position = -1;
            }
            if (!filesAny.isEmpty()) {
                List<String> matching = hints.filesTouched().stream()
                        .filter(f -> filesAny.stream().anyMatch(g -> g.matches(f))).toList();
                if (matching.isEmpty()) {
                    return Optional.empty();
                }
                found.add("files " + String.join(", ", matching));
                position = -1;
            }
            if (!filesAll.isEmpty()) {
                List<String> files = hints.filesTouched();
                if (files.isEmpty() || !files.stream().allMatch(f -> filesAll.stream().anyMatch(g -> g.matches(f)))) {
                    return Optional.empty();
                }
                found.add("only files like " + String.join(", ", condition.filesAll()));
                position = -1;
            }
            return Optional.of(new ConditionHit(position, found));
        }

        /** The matches that lie outside every exception phrase. */
        private static List<Terms.Match> outside(List<Terms.Match> matches, List<Terms.Match> exceptions) {
            if (exceptions.isEmpty() || matches.isEmpty()) {
                return matches;
            }
            return matches.stream().filter(m -> exceptions.stream().noneMatch(x -> x.start() <= m.start() && m.end() <= x.end()))
                    .toList();
        }
    }

    /** A file glob; one without a slash matches the file name wherever the file is. */
    private record Glob(String pattern, PathMatcher matcher, boolean byName) {
        Glob(String pattern) {
            this(pattern, FileSystems.getDefault().getPathMatcher("glob:" + pattern), !pattern.contains("/"));
        }

        boolean matches(String file) {
            try {
                Path path = Path.of(file);
                Path subject = byName ? path.getFileName() : path;
                return subject != null && matcher.matches(subject);
            } catch (InvalidPathException e) {
                return false;
            }
        }
    }
}

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

    private static final Pattern MINUTES_IN_TEXT = Pattern.compile(
            "(?<![\\w.])(\\d{1,4})\\s*-?\\s*(?:minutes?|mins?)\\b", Pattern.CASE_INSENSITIVE);

    private final RoutingPolicy policy;
    private final List<CompiledRule> rules;
    private final Map<CosmeticKind, Terms> cosmetic = new EnumMap<>(CosmeticKind.class);
    private final Terms logic;

    public Router(RoutingPolicy policy) {
        this.policy = policy;
        this.rules = policy.rules().stream().map(CompiledRule::new).toList();
        for (CosmeticKind kind : CosmeticKind.values()) {
            cosmetic.put(kind, Terms.compile(policy.cosmetic().words(kind)));
        }
        this.logic = Terms.compile(policy.cosmetic().logic());
    }

    public RoutingPolicy policy() {
        return policy;
    }

    /** The roles the policy knows. */
    public List<String> roles() {
        return policy.roleNames();
    }

    public RoutingDecision route(RoutingRequest request) {
        return evaluate(request).decision();
    }

    /** The decision with every rule considered and what became of it. */
    public Explanation explain(RoutingRequest request) {
        return evaluate(request);
    }

    private Explanation evaluate(RoutingRequest request) {
        if (request.text().isBlank()) {
            throw KleiberException.badInput("the task description is empty; say what the task does");
        }
        Optional<RoleDefault> role = request.role().map(this::role);
        Tier start = role.map(RoleDefault::tier).orElse(policy.defaultTier());
        boolean fixed = role.map(RoleDefault::fixed).orElse(false);
        Tokens tokens = Tokens.of(request.text());
        Facts facts = new Facts(tokens, request.hints(), minutes(request));

        Map<CosmeticKind, List<Terms.Match>> cosmeticFound = new EnumMap<>(CosmeticKind.class);
        cosmetic.forEach((kind, terms) -> cosmeticFound.put(kind, terms.find(tokens)));
        List<Terms.Match> logicFound = logic.find(tokens);

        List<Hit> hits = new ArrayList<>();
        Considered[] considered = new Considered[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i).rule();
            if (!r.enabled()) {
                considered[i] = new Considered(r.id(), describe(r), Outcome.DISABLED, "");
                continue;
            }
            Optional<Hit> hit = rules.get(i).match(facts, i);
            if (hit.isEmpty()) {
                considered[i] = new Considered(r.id(), describe(r), Outcome.NO_MATCH, "");
                continue;
            }
            Optional<CosmeticKind> skipFor = logicFound.isEmpty()
                    ? r.skipWhen().stream().filter(k -> !cosmeticFound.get(k).isEmpty()).findFirst()
                    : Optional.empty();
            if (skipFor.isPresent()) {
                considered[i] = new Considered(r.id(), describe(r), Outcome.SKIPPED_COSMETIC, hit.get().evidence()
                        + "; but the task reads as " + skipFor.get().id() + " only ("
                        + quoted(cosmeticFound.get(skipFor.get())) + ") with no logic word");
                continue;
            }
            hits.add(hit.get());
        }

        Tier floor = fixed ? start : Tier.HAIKU;
        boolean review = false;
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
        return new Explanation(new RoutingDecision(tier, review, reasons, start, floor), List.of(considered));
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

    private record Facts(Tokens tokens, Hints hints, Optional<Minutes> minutes) {
    }

    /** A rule that matched: where its first word is (-1 for a hint) and what matched. */
    private record Hit(Rule rule, int index, int position, String evidence) {
    }

    private static final class CompiledRule {
        private final Rule rule;
        private final List<CompiledCondition> conditions;

        CompiledRule(Rule rule) {
            this.rule = rule;
            this.conditions = rule.when().stream().map(CompiledCondition::new).toList();
        }

        Rule rule() {
            return rule;
        }

        Optional<Hit> match(Facts facts, int index) {
            Set<String> evidence = new LinkedHashSet<>();
            int position = Integer.MAX_VALUE;
            for (CompiledCondition condition : conditions) {
                int at = condition.match(facts, evidence);
                position = Math.min(position, at);
            }
            if (position == Integer.MAX_VALUE) {
                return Optional.empty();
            }
            return Optional.of(new Hit(rule, index, position, String.join(", ", evidence)));
        }
    }

    private static final class CompiledCondition {
        private final Condition condition;
        private final Terms terms;
        private final Terms with;
        private final List<Glob> filesAny;
        private final List<Glob> filesAll;

        CompiledCondition(Condition condition) {
            this.condition = condition;
            this.terms = Terms.compile(condition.terms());
            this.with = Terms.compile(condition.with());
            this.filesAny = condition.filesAny().stream().map(Glob::new).toList();
            this.filesAll = condition.filesAll().stream().map(Glob::new).toList();
        }

        /** Adds the evidence and returns the earliest position when every part holds, else MAX_VALUE. */
        int match(Facts facts, Set<String> evidence) {
            List<String> found = new ArrayList<>();
            int position = Integer.MAX_VALUE;
            for (Terms group : List.of(terms, with)) {
                if (group.isEmpty()) {
                    continue;
                }
                List<Terms.Match> matches = group.find(facts.tokens());
                if (matches.isEmpty()) {
                    return Integer.MAX_VALUE;
                }
                matches.forEach(m -> found.add("'" + m.text() + "'"));
                position = Math.min(position, matches.getFirst().start());
            }
            Hints hints = facts.hints();
            if (condition.servicesAtLeast().isPresent()) {
                if (hints.servicesTouched().size() < condition.servicesAtLeast().get()) {
                    return Integer.MAX_VALUE;
                }
                found.add(hints.servicesTouched().size() + " services touched (" + String.join(", ",
                        hints.servicesTouched()) + ")");
                position = -1;
            }
            if (condition.minutesBelow().isPresent()) {
                Optional<Minutes> minutes = facts.minutes();
                if (minutes.isEmpty() || minutes.get().value() >= condition.minutesBelow().get()) {
                    return Integer.MAX_VALUE;
                }
                found.add(minutes.get().evidence());
                position = Math.min(position, minutes.get().position());
            }
            if (condition.reversible().isPresent()) {
                if (!hints.reversible().equals(condition.reversible())) {
                    return Integer.MAX_VALUE;
                }
                found.add((hints.reversible().get() ? "reversible" : "not reversible") + " (hint)");
                position = -1;
            }
            if (!filesAny.isEmpty()) {
                List<String> matching = hints.filesTouched().stream()
                        .filter(f -> filesAny.stream().anyMatch(g -> g.matches(f))).toList();
                if (matching.isEmpty()) {
                    return Integer.MAX_VALUE;
                }
                found.add("files " + String.join(", ", matching));
                position = -1;
            }
            if (!filesAll.isEmpty()) {
                List<String> files = hints.filesTouched();
                if (files.isEmpty() || !files.stream().allMatch(f -> filesAll.stream().anyMatch(g -> g.matches(f)))) {
                    return Integer.MAX_VALUE;
                }
                found.add("only files like " + String.join(", ", condition.filesAll()));
                position = -1;
            }
            evidence.addAll(found);
            return position;
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

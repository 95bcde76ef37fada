package dev.kleiber.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The routing policy as data: the tier each role starts from, the words that mark a change as cosmetic,
 * and the rules, in order. Read from YAML by {@link PolicyReader}; applied by {@link Router}.
 *
 * @param defaultTier where a task without a role starts (the blueprint's "Workers: Default Sonnet")
 */
public record RoutingPolicy(Tier defaultTier, Map<String, RoleDefault> roles, Cosmetic cosmetic, List<Rule> rules) {

    public RoutingPolicy {
        roles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        rules = List.copyOf(rules);
    }

    /**
     * The tier a role starts from. A {@code fixed} role keeps its tier whatever the task says
     * ("Planner/Conductor: Always Opus"); only rules that demand more can move it.
     */
    public record RoleDefault(String role, Tier tier, boolean fixed) {
    }

    /** What a matching rule does to the tier. */
    public enum Effect {
        /** Opus and human review, and the planner may not lower it (the blueprint's forced set). */
        FORCE,
        /** At least this tier, and the planner may not lower it. */
        FLOOR,
        /** At least this tier. */
        RAISE,
        /** Holds the tier at least here against a {@link #LOWER} rule that matched later in the text; raises nothing. */
        KEEP,
        /** At most this tier, unless a raise, a floor or an earlier keep says otherwise. */
        LOWER;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Effect> parse(String text) {
            for (Effect e : values()) {
                if (e.id().equals(text.strip().toLowerCase(Locale.ROOT))) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        }
    }

    /** The kinds of change that leave behaviour alone, which a rule may be skipped for. */
    public enum CosmeticKind {
        PRESENTATION, DOCUMENTATION, MECHANICAL;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Words that show a change is only about looks ({@code presentation}), only about documentation, or only a
     * mechanical edit (imports, renames, constants, formatting, skeletons), and words that show behaviour changes
     * ({@code logic}). A text reads as cosmetic when it has evidence of a kind and no logic word: "button colour
     * on the checkout page" is cosmetic, "checkout button colour and the discount calculation" is not.
     *
     * <p>Two limits keep wording from switching off a forced class: a text that names sensitive data
     * ({@code sensitive}: card numbers, passwords, secrets, money movements) is never presentation-only or
     * mechanical-only ("Show the full card number on the receipt page"), and a presentation word only counts
     * for a task with no role or a role in {@code presentationRoles} ("Filter invoices" for the backend
     * engineer is a query, not a look).
     */
    public record Cosmetic(List<String> presentation, List<String> documentation, List<String> mechanical,
                           List<String> logic, List<String> sensitive, List<String> presentationRoles) {
        public static final Cosmetic NONE = new Cosmetic(List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of());

        public Cosmetic {
            presentation = List.copyOf(presentation);
            documentation = List.copyOf(documentation);
            mechanical = List.copyOf(mechanical);
            logic = List.copyOf(logic);
            sensitive = List.copyOf(sensitive);
            presentationRoles = List.copyOf(presentationRoles);
        }

        public List<String> words(CosmeticKind kind) {
            return switch (kind) {
                case PRESENTATION -> presentation;
                case DOCUMENTATION -> documentation;
                case MECHANICAL -> mechanical;
            };
        }

        Cosmetic plus(Cosmetic more) {
            return new Cosmetic(concat(presentation, more.presentation), concat(documentation, more.documentation),
                    concat(mechanical, more.mechanical), concat(logic, more.logic), concat(sensitive, more.sensitive),
                    concat(presentationRoles, more.presentationRoles));
        }

        private static List<String> concat(List<String> a, List<String> b) {
            List<String> all = new ArrayList<>(a);
            b.stream().filter(w -> !all.contains(w)).forEach(all::add);
            return all;
        }
    }

    /**
     * One rule. It matches when any of its {@code when} conditions holds; it is skipped when the text is
     * cosmetic of a kind listed in {@code skipWhen}.
     */
    public record Rule(String id, String description, Effect effect, Tier tier, List<CosmeticKind> skipWhen,
                       List<Condition> when, boolean enabled) {
        public Rule {
            skipWhen = List.copyOf(skipWhen);
            when = List.copyOf(when);
        }

        Rule withEnabled(boolean value) {
            return new Rule(id, description, effect, tier, skipWhen, when, value);
        }
    }

    /**
     * Everything given must hold: a word of {@code terms} that is not part of a phrase of {@code unless} ("auth"
     * in "behind the existing auth middleware" is using auth, not changing it), a word of {@code with}, at least
     * {@code servicesAtLeast} services touched, fewer than {@code minutesBelow} estimated minutes, the
     * reversible flag, some or all touched files matching globs.
     */
    public record Condition(List<String> terms, List<String> unless, List<String> with, Optional<Integer> servicesAtLeast,
                            Optional<Integer> minutesBelow, Optional<Boolean> reversible,
                            List<String> filesAny, List<String> filesAll) {
        public Condition {
            terms = List.copyOf(terms);
            unless = List.copyOf(unless);
            with = List.copyOf(with);
            filesAny = List.copyOf(filesAny);
            filesAll = List.copyOf(filesAll);
        }
    }

    /** The roles this policy knows, in file order. */
    public List<String> roleNames() {
        return List.copyOf(roles.keySet());
    }

    public Optional<Rule> rule(String id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst();
    }
}

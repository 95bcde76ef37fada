package dev.kleiber.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What routing learned from a repository's outcomes: the classes (a rule on a tier) whose recent tasks escalated
 * or failed validation more often than the threshold, so that their tasks start one tier up. Pure; built from the
 * history, handed to the {@link Router}. It only ever raises, and never touches a forced task (already Opus with
 * review).
 */
public final class Adaptation {
    /** The reason id of a raise learned from outcomes. */
    public static final String LEARNED = "learned";
    /** Fewer recent tasks than this say nothing. */
    static final int MIN_TASKS = 3;

    public static final Adaptation NONE = new Adaptation(Map.of());

    /** One class that is raised, with the evidence shown as its reason. */
    public record Raise(String rule, Tier tier, int struggled, int recent) {
        public String evidence() {
            return "learned: " + struggled + " of " + recent + " recent tasks of rule " + rule + " on " + tier.id()
                    + " escalated or failed validation";
        }
    }

    private record Key(String rule, Tier tier) {
    }

    private final Map<Key, Raise> raises;

    private Adaptation(Map<Key, Raise> raises) {
        this.raises = Map.copyOf(raises);
    }

    /** Learns from {@code outcomes}, newest first; nothing when {@code learning} is switched off. */
    public static Adaptation from(List<RouteOutcome> outcomes, Learning learning) {
        if (!learning.enabled()) {
            return NONE;
        }
        Map<Key, List<RouteOutcome>> recent = new LinkedHashMap<>();
        for (RouteOutcome outcome : outcomes) {
            if (outcome.forced() || outcome.tier() == Tier.OPUS) {
                continue;
            }
            for (String rule : classes(outcome.rules())) {
                List<RouteOutcome> list = recent.computeIfAbsent(new Key(rule, outcome.tier()), k -> new ArrayList<>());
                if (list.size() < learning.window()) {
                    list.add(outcome);
                }
            }
        }
        Map<Key, Raise> raises = new HashMap<>();
        recent.forEach((key, list) -> {
            int struggled = (int) list.stream().filter(RouteOutcome::struggled).count();
            if (list.size() >= Math.min(MIN_TASKS, learning.window())
                    && (double) struggled / list.size() > learning.threshold()) {
                raises.put(key, new Raise(key.rule(), key.tier(), struggled, list.size()));
            }
        });
        return new Adaptation(raises);
    }

    /** The classes of a route: its rules, or {@code role.default} when no rule shaped it. */
    public static List<String> classes(List<String> rules) {
        List<String> classes = rules.stream().filter(r -> !r.equals(Router.ROLE_DEFAULT) && !r.equals(LEARNED)).toList();
        return classes.isEmpty() ? List.of(Router.ROLE_DEFAULT) : classes;
    }

    /** The raise for a task of these rules on {@code tier}, if any class of it is raised. */
    public Optional<Raise> raiseFor(List<String> rules, Tier tier) {
        for (String rule : classes(rules)) {
            Raise raise = raises.get(new Key(rule, tier));
            if (raise != null) {
                return Optional.of(raise);
            }
        }
        return Optional.empty();
    }

    /** Every raised class, for {@code kleiber route stats}. */
    public List<Raise> raises() {
        return raises.values().stream().sorted(java.util.Comparator.comparing(Raise::rule).thenComparing(Raise::tier)).toList();
    }
}

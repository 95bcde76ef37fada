package dev.kleiber.plan;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A task as read from a plan file or the planner's tool call, fields still unchecked: texts and lists of
 * texts, each with where it was written ({@code places}: where each key's value starts, when known). The parsers check shapes, naming in {@code malformed} the keys
 * whose values had the wrong shape (already reported); {@link PlanAssembler} checks meaning.
 */
record DraftTask(Where where, Map<String, Located> texts, Map<String, List<Located>> lists, Set<String> malformed,
                 Map<String, Where> places) {
    DraftTask {
        texts = Map.copyOf(texts);
        lists = Map.copyOf(lists);
        malformed = Set.copyOf(malformed);
        places = Map.copyOf(places);
    }

    /** Where {@code key}'s value was written, for a problem with it as a whole (an empty list); else the task. */
    Where place(String key) {
        return places.getOrDefault(key, where);
    }

    Optional<Located> text(String key) {
        return Optional.ofNullable(texts.get(key));
    }

    List<Located> list(String key) {
        return lists.getOrDefault(key, List.of());
    }

    /**
     * A place in the input. {@code text} starts a problem line ("plan.yaml line 7", "task 3 'auth-login'"),
     * {@code order} sorts problems (the line, or the task's position) and {@code ref} points at it from a
     * problem elsewhere ("line 7", "task 3").
     */
    record Where(String text, int order, String ref) {
    }

    record Located(String value, Where where) {
    }
}

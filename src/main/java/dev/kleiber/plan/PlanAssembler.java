package dev.kleiber.plan;

import dev.kleiber.config.RunnerSettings;
import dev.kleiber.protocol.Priority;
import dev.kleiber.plan.DraftTask.Located;
import dev.kleiber.plan.DraftTask.Where;
import dev.kleiber.routing.Tier;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks the meaning of draft tasks — ids, roles, priorities, models, texts, and the dependency graph
 * (duplicates, missing dependencies, cycles) — and builds the {@link Plan}, or reports every problem.
 * Shared by the plan file and the planner's tool call so that both accept exactly the same plans.
 */
final class PlanAssembler {
    /** A declared risk category: a lower-case name, as in review.sensitive_paths. */
    private static final java.util.regex.Pattern RISK = java.util.regex.Pattern.compile("[a-z][a-z0-9_-]{0,39}");

    static final int MAX_TITLE_LENGTH = 200;

    private final Set<String> roles;
    private final RoleScopes scopes;
    private final List<Issue> issues = new ArrayList<>();

    private record Issue(Where where, String message) {
    }

    PlanAssembler(RoleScopes scopes) {
        if (scopes.roles().isEmpty()) {
            throw new IllegalArgumentException("at least one known role is needed");
        }
        this.roles = scopes.roles();
        this.scopes = scopes;
    }

    /** Records a problem the parser found in the shape of the input. */
    void problem(Where where, String message) {
        issues.add(new Issue(where, message));
    }

    int problemCount() {
        return issues.size();
    }

    Plan assemble(List<DraftTask> drafts) {
        List<Optional<PlannedTask>> tasks = drafts.stream().map(this::task).toList();
        checkGraph(drafts);
        if (!issues.isEmpty()) {
            throw new InvalidPlanException(issues.stream()
                    .sorted(Comparator.comparingInt(issue -> issue.where().order()))
                    .map(issue -> new PlanProblem(issue.where().text(), issue.message()))
                    .toList());
        }
        return new Plan(tasks.stream().map(Optional::orElseThrow).toList());
    }

    private Optional<PlannedTask> task(DraftTask draft) {
        int before = issues.size();
        Optional<String> id = required(draft, "id").filter(v -> {
            boolean valid = TaskIds.isValid(v.value());
            if (!valid) {
                problem(v.where(), "id '" + v.value() + "' must be " + TaskIds.RULE);
            }
            return valid;
        }).map(Located::value);
        Optional<String> title = required(draft, "title").map(v -> singleLine(v, "title", MAX_TITLE_LENGTH));
        Optional<String> agent = required(draft, "agent").filter(v -> {
            boolean known = roles.contains(v.value());
            if (!known) {
                problem(v.where(), "agent '" + v.value() + "' is not a known role; expected one of "
                        + String.join(", ", new TreeSet<>(roles)));
            }
            return known;
        }).map(Located::value);
        Optional<String> description = required(draft, "description").map(Located::value);
        List<String> acceptance = draft.list("acceptance").stream()
                .map(v -> singleLine(v, "each acceptance criterion", 500)).toList();
        if (acceptance.isEmpty() && !draft.malformed().contains("acceptance")) {
            problem(draft.place("acceptance"), "'acceptance' needs at least one criterion (a list of single-line texts)");
        }
        Priority priority = draft.text("priority").map(v -> Priority.parse(v.value()).orElseGet(() -> {
            problem(v.where(), "priority must be one of " + Priority.choices() + "; found '" + v.value() + "'");
            return Priority.P1;
        })).orElse(Priority.P1);
        Optional<Tier> model = draft.text("model").map(v -> Tier.parse(v.value()).orElseGet(() -> {
            problem(v.where(), "model must be one of " + Tier.choices() + "; found '" + v.value() + "'");
            return Tier.SONNET;
        }));
        List<String> files = draft.list("files").stream().map(this::relativePath).toList();
        Optional<String> risk = draft.text("risk").map(v -> {
            String category = v.value().strip();
            if (!RISK.matcher(category).matches()) {
                problem(v.where(), "risk must be a category name such as auth, payments, crypto, secrets or "
                        + "personal-data; found '" + category + "'");
            }
            return category;
        });
        Optional<RunnerSettings.Runner> runner = draft.text("runner").map(v -> RunnerSettings.Runner.of(v.value().strip())
                .orElseGet(() -> {
                    problem(v.where(), "runner must be one of " + RunnerSettings.Runner.choices() + "; found '"
                            + v.value().strip() + "'");
                    return RunnerSettings.Runner.KLEIBER;
                }));
        agent.ifPresent(role -> draft.list("files").forEach(file -> scopes.refusal(role, file.value().strip())
                .ifPresent(refusal -> problem(file.where(), refusal))));
        List<String> dependsOn = List.copyOf(new LinkedHashSet<>(
                draft.list("depends_on").stream().map(v -> v.value().strip()).toList()));
        boolean complete = id.isPresent() && title.isPresent() && agent.isPresent() && description.isPresent();
        if (issues.size() > before || !complete || !draft.malformed().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PlannedTask(id.orElseThrow(), title.orElseThrow(), agent.orElseThrow(),
                description.orElseThrow(), acceptance, optionalText(draft, "context"),
                optionalText(draft, "constraints"), dependsOn, priority, files, model, risk, runner));
    }

    private Optional<Located> required(DraftTask draft, String key) {
        Optional<Located> value = draft.text(key).map(v -> new Located(v.value().strip(), v.where()))
                .filter(v -> !v.value().isEmpty());
        if (value.isEmpty() && !draft.malformed().contains(key)) {
            problem(draft.text(key).map(Located::where).orElse(draft.where()),
                    "'" + key + "' is required and must not be empty");
        }
        return value;
    }

    private String singleLine(Located value, String what, int maxLength) {
        String text = value.value().strip();
        if (text.isEmpty() || text.contains("\n") || text.contains("\r")) {
            problem(value.where(), what + " must be one non-empty line");
        } else if (text.length() > maxLength) {
            problem(value.where(), what + " must be at most " + maxLength + " characters; found " + text.length());
        }
        return text;
    }

    private String relativePath(Located value) {
        String path = value.value().strip();
        boolean bad = path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\n")
                || Arrays.asList(path.split("/")).contains("..") || path.matches("^[A-Za-z]:.*");
        if (bad) {
            problem(value.where(), "each file must be a path relative to the repository root, with '/' and "
                    + "without '..'; found '" + path + "'");
        }
        return path;
    }

    private static Optional<String> optionalText(DraftTask draft, String key) {
        return draft.text(key).map(v -> v.value().strip()).filter(v -> !v.isEmpty());
    }

    /** Duplicate ids, missing dependencies and cycles, over the tasks whose ids are valid. */
    private void checkGraph(List<DraftTask> drafts) {
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < drafts.size(); i++) {
            Optional<Located> id = drafts.get(i).text("id").filter(v -> TaskIds.isValid(v.value().strip()));
            if (id.isEmpty()) {
                continue;
            }
            String value = id.get().value().strip();
            Integer earlier = first.putIfAbsent(value, i);
            if (earlier != null) {
                Where firstWhere = drafts.get(earlier).text("id").orElseThrow().where();
                problem(id.get().where(), "duplicate id '" + value + "' (first at " + firstWhere.ref() + ")");
                problem(firstWhere, "id '" + value + "' is used again at " + id.get().where().ref());
            }
        }
        List<List<Integer>> edges = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            List<Integer> targets = new ArrayList<>();
            edges.add(targets);
            String self = drafts.get(i).text("id").map(v -> v.value().strip()).orElse("");
            for (Located dep : drafts.get(i).list("depends_on")) {
                String name = dep.value().strip();
                if (name.equals(self)) {
                    problem(dep.where(), "task '" + self + "' depends on itself");
                } else if (!first.containsKey(name)) {
                    problem(dep.where(), "depends_on '" + name + "' is not a task in this plan"
                            + (first.isEmpty() ? "" : nearest(name, first.keySet())));
                } else if (first.get(self) != null && first.get(self) == i) {
                    targets.add(first.get(name));
                }
            }
        }
        for (List<Integer> component : new StronglyConnected(edges).components()) {
            if (component.size() > 1) {
                reportCycle(drafts, edges, component);
            }
        }
    }

    private void reportCycle(List<DraftTask> drafts, List<List<Integer>> edges, List<Integer> component) {
        int start = component.stream().min(Integer::compare).orElseThrow();
        Set<Integer> members = Set.copyOf(component);
        Map<Integer, Integer> parent = new HashMap<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(start));
        int last = -1;
        search:
        while (!queue.isEmpty()) {
            int node = queue.poll();
            for (int next : edges.get(node)) {
                if (next == start) {
                    last = node;
                    break search;
                }
                if (members.contains(next) && !parent.containsKey(next)) {
                    parent.put(next, node);
                    queue.add(next);
                }
            }
        }
        List<Integer> cycle = new ArrayList<>();
        for (int node = last; node != start; node = parent.get(node)) {
            cycle.add(0, node);
        }
        cycle.add(0, start);
        List<String> ids = new ArrayList<>(cycle.stream().map(i -> idOf(drafts.get(i))).toList());
        ids.add(idOf(drafts.get(start)));
        String second = ids.get(1);
        Where where = drafts.get(start).list("depends_on").stream().filter(d -> d.value().strip().equals(second))
                .findFirst().map(Located::where).orElse(drafts.get(start).where());
        problem(where, "dependency cycle: " + String.join(" → ", ids) + " (each depends on the next)");
    }

    private static String idOf(DraftTask draft) {
        return draft.text("id").orElseThrow().value().strip();
    }

    /** A hint for a likely typo: the known id closest in edit distance, when it is close. */
    private static String nearest(String name, Set<String> ids) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String id : new TreeSet<>(ids)) {
            int d = editDistance(name, id);
            if (d < bestDistance) {
                best = id;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 4) ? " (did you mean '" + best + "'?)" : "";
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

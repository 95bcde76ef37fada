package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanFileParser;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.routing.Router;
import dev.kleiber.store.Event;
import dev.kleiber.store.Store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The plan of a run with every task routed. The plan's text is kept in the run's event log ({@code run.plan}),
 * so a resumed run, a review or an approval sees exactly the plan the run started with; routing is pure and
 * gives the same decisions again.
 */
public record RunPlan(String runId, Plan plan, Map<String, RoutedTask> tasks) {
    public static final String PLAN_EVENT = "run.plan";

    /** Routes every task of {@code plan}: the decisions a run of it makes, and a preview of them prints. */
    public static RunPlan route(String runId, Plan plan, Router router) {
        Map<String, RoutedTask> routed = new LinkedHashMap<>();
        for (PlannedTask task : plan.tasks()) {
            routed.put(task.id(), RoutedTask.route(task, router));
        }
        return new RunPlan(runId, plan, Map.copyOf(routed));
    }

    /** The plan recorded for {@code runId}, routed again. */
    public static RunPlan load(Store store, String runId, Set<String> roles, Router router) {
        return route(runId, recorded(store, runId, roles).orElseThrow(() -> KleiberException.badInput("run '" + runId
                + "' has no plan recorded; was it started with `kleiber run --plan`?")), router);
    }

    /** The plan recorded for {@code runId} (its latest version: a run's plan grows by resolution tasks), if any. */
    public static java.util.Optional<Plan> recorded(Store store, String runId, Set<String> roles) {
        return store.events().ofRun(runId).stream().filter(e -> e.kind().equals(PLAN_EVENT))
                .map(Event::detail).reduce((first, second) -> second)
                .map(text -> new PlanFileParser(new dev.kleiber.yaml.SafeYaml(), roles).parse(text, "plan of " + runId));
    }

    public RoutedTask task(String id) {
        RoutedTask task = tasks.get(id);
        if (task == null) {
            throw KleiberException.badInput("run '" + runId + "' has no task '" + id + "'");
        }
        return task;
    }
}

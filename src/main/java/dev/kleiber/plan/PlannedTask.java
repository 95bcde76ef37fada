package dev.kleiber.plan;

import dev.kleiber.config.RunnerSettings;
import dev.kleiber.protocol.Priority;
import dev.kleiber.routing.Tier;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One task of a plan, as the planner (or a plan file) states it, before routing. {@code model} is the
 * planner's suggestion; the router decides. {@code dependsOn} names tasks of the same plan. {@code risk} is a
 * risk category the planner declared ({@code auth}, {@code payments}): the task goes to human review, and
 * nothing lowers that. {@code runner} is who runs the task's sessions when the plan names one, over the role's
 * {@code runner:} in kleiber.yaml.
 */
public record PlannedTask(
        String id,
        String title,
        String agent,
        String description,
        List<String> acceptance,
        Optional<String> context,
        Optional<String> constraints,
        List<String> dependsOn,
        Priority priority,
        List<String> files,
        Optional<Tier> model,
        Optional<String> risk,
        Optional<RunnerSettings.Runner> runner) {

    public PlannedTask {
        if (!TaskIds.isValid(id)) {
            // The id becomes part of file and branch names: never let an unchecked one through.
            throw new IllegalArgumentException("not a task id: '" + id + "'; an id must be " + TaskIds.RULE);
        }
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(priority, "priority");
        acceptance = List.copyOf(acceptance);
        context = Objects.requireNonNull(context, "context");
        constraints = Objects.requireNonNull(constraints, "constraints");
        dependsOn = List.copyOf(dependsOn);
        files = List.copyOf(files);
        model = Objects.requireNonNull(model, "model");
        risk = Objects.requireNonNull(risk, "risk");
        runner = Objects.requireNonNull(runner, "runner");
    }

    /** A task that names no runner of its own. */
    public PlannedTask(String id, String title, String agent, String description, List<String> acceptance,
                       Optional<String> context, Optional<String> constraints, List<String> dependsOn,
                       Priority priority, List<String> files, Optional<Tier> model, Optional<String> risk) {
        this(id, title, agent, description, acceptance, context, constraints, dependsOn, priority, files, model, risk,
                Optional.empty());
    }

    /** A task with no declared risk. */
    public PlannedTask(String id, String title, String agent, String description, List<String> acceptance,
                       Optional<String> context, Optional<String> constraints, List<String> dependsOn,
                       Priority priority, List<String> files, Optional<Tier> model) {
        this(id, title, agent, description, acceptance, context, constraints, dependsOn, priority, files, model,
                Optional.empty(), Optional.empty());
    }

    /** The same task depending on {@code ids}, everything else kept. */
    public PlannedTask withDependsOn(List<String> ids) {
        return new PlannedTask(id, title, agent, description, acceptance, context, constraints, ids, priority, files,
                model, risk, runner);
    }

    /** The blueprint's feature branch for this task: {@code feature/{task-id}-{slug}}. */
    public String featureBranch() {
        return TaskIds.branch("feature", id, title);
    }
}

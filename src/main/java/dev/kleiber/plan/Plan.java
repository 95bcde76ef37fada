package dev.kleiber.plan;

import java.util.List;
import java.util.Optional;

/** The tasks of one plan in the order the planner gave them. Valid plans come from the parsers. */
public record Plan(List<PlannedTask> tasks) {
    public Plan {
        tasks = List.copyOf(tasks);
    }

    public Optional<PlannedTask> task(String id) {
        return tasks.stream().filter(t -> t.id().equals(id)).findFirst();
    }
}

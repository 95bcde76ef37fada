package dev.kleiber.plan;

import dev.kleiber.KleiberException;

import java.util.List;
import java.util.stream.Collectors;

/** A plan with problems (exit 2): every problem found, not just the first, so one edit can fix them all. */
public final class InvalidPlanException extends KleiberException {
    private final transient List<PlanProblem> problems;

    public InvalidPlanException(List<PlanProblem> problems) {
        super(problems.stream().map(PlanProblem::toString).collect(Collectors.joining("\n")), BAD_INPUT);
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid plan has at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<PlanProblem> problems() {
        return problems;
    }
}

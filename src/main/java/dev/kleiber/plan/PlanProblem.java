package dev.kleiber.plan;

/**
 * One thing wrong with a plan: where it is ({@code plan.yaml line 7}, or {@code task 3 'auth-login'} for
 * the planner's tool call) and what was expected.
 */
public record PlanProblem(String location, String message) {
    @Override
    public String toString() {
        return location + ": " + message;
    }
}

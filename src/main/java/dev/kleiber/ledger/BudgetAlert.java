package dev.kleiber.ledger;

/** Someone to tell when work pauses for budget: a blocked file, a person at the terminal, a webhook. */
@FunctionalInterface
public interface BudgetAlert {
    /** Told once per pause, after it is recorded in the store. May throw; the pause stands either way. */
    void paused(BudgetPause pause);

    /** Tells each of {@code alerts}; one that fails does not stop the others, and its failure goes to {@code problems}. */
    static BudgetAlert all(java.util.List<BudgetAlert> alerts, java.util.function.Consumer<String> problems) {
        return pause -> {
            for (BudgetAlert alert : alerts) {
                try {
                    alert.paused(pause);
                } catch (RuntimeException e) {
                    problems.accept("budget alert failed: " + e.getMessage());
                }
            }
        };
    }
}

package dev.kleiber.llm;

import dev.kleiber.routing.Tier;

/**
 * Where the model id a tier calls was chosen, for the message that stops a task on a model that cannot be used:
 * the person must know which file to change.
 */
@FunctionalInterface
public interface ModelOrigin {
    /** The project's settings file, as every command reads it. */
    ModelOrigin KLEIBER_YAML = tier -> ".kleiber/kleiber.yaml ('models." + tier.id() + "')";

    /** E.g. ".kleiber/kleiber.yaml ('models.haiku')" or "Kleiber's default for haiku (...)". */
    String describe(Tier tier);

    /**
     * The one message that stops a task on a model problem: the model, the tier, the file that chose it, and the
     * fix. {@code who} names the call ("task feat-001, agent engineer-backend").
     */
    static String stopMessage(LlmFailure.ModelProblem problem, Tier tier, String who, ModelOrigin origin) {
        String fix = switch (problem) {
            case LlmFailure.ModelUnavailable unavailable -> " Fix: run `kleiber models` to see the models your API key"
                    + " can use, with their prices, and set 'models." + tier.id() + "' to one of them (or to latest).";
            case LlmFailure.Unpriced unpriced -> " Fix: run `kleiber models` and set 'models." + tier.id()
                    + "' to a model with a known price, or add this model's list price under 'prices:' in"
                    + " .kleiber/kleiber.yaml (e.g. " + unpriced.model() + ": {input: 2, output: 10}).";
        };
        return "Model " + problem.model() + " (tier " + tier.id() + ", chosen by " + origin.describe(tier)
                + ") cannot be used for " + who + ": " + problem.describe() + "." + fix
                + " Retrying or a stronger model would not help, so the task stops here.";
    }
}

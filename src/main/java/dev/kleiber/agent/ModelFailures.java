package dev.kleiber.agent;

import dev.kleiber.KleiberException;
import dev.kleiber.ledger.UnknownPriceException;
import dev.kleiber.llm.ApiSettingsException;
import dev.kleiber.llm.LlmCallException;
import dev.kleiber.llm.LlmFailure;
import dev.kleiber.llm.RetryPolicy;
import dev.kleiber.routing.Tier;

/**
 * Whose fault a failed model call is. No key to call with, a model with no known price, one the API does not serve
 * (404, e.g. a retired id) or a key it refuses (401, 403) fails every attempt on every tier the same way: the task
 * must stop and say what to fix, never climb the model ladder. Nor does an API that stays unreachable, overloaded or rate-limited after the
 * client's own retries, or a spend limit reached: a stronger model goes through the same API. Anything else stays
 * the agent's attempt to retry.
 */
final class ModelFailures {
    private static final String CONFIG = ".kleiber/kleiber.yaml";

    private ModelFailures() {
    }

    static SessionOutcome.Failed failed(KleiberException e, String modelId, Tier tier) {
        if (e instanceof ApiSettingsException settings) {
            // no call was made: the environment cannot reach the API at all (no key), whatever the model
            return new SessionOutcome.Failed(settings.getMessage(), new SessionOutcome.EnvironmentFault(settings.fix()));
        }
        if (e instanceof LlmCallException call && call.failure() instanceof LlmFailure.ModelProblem) {
            // the client's one message names the model, the tier, the file that chose it and, after "Fix:", the fix
            String message = e.getMessage();
            int fix = message.indexOf(" Fix: ");
            return new SessionOutcome.Failed(fix < 0 ? message : message.substring(0, fix),
                    new SessionOutcome.EnvironmentFault(fix < 0 ? "run `kleiber models` and point models." + tier.id()
                            + " at a model it lists; then `kleiber resume`" : message.substring(fix + " Fix: ".length())));
        }
        String what = "model " + modelId + " (tier " + tier.id() + ", chosen by models." + tier.id() + " in " + CONFIG + ")";
        if (e instanceof UnknownPriceException) {
            return new SessionOutcome.Failed(what + " has no known price: " + firstLine(e.getMessage()),
                    new SessionOutcome.EnvironmentFault("add its price under prices: in " + CONFIG + ", or point models."
                            + tier.id() + " at a priced model (`kleiber models` lists them); then `kleiber resume`"));
        }
        if (e instanceof LlmCallException call && call.failure() instanceof LlmFailure.ApiError api) {
            if (api.status() == 404) {
                return new SessionOutcome.Failed(what + " is not served by the API: " + api.describe(),
                        new SessionOutcome.EnvironmentFault("point models." + tier.id() + " in " + CONFIG
                                + " at a current model (`kleiber models` lists the ones your key can use); then `kleiber resume`"));
            }
            if (api.status() == 401 || api.status() == 403) {
                return new SessionOutcome.Failed("the API refused the key for " + what + ": " + api.describe(),
                        new SessionOutcome.EnvironmentFault("check ANTHROPIC_API_KEY and the key's access to the model "
                                + "(`kleiber doctor`); then `kleiber resume`"));
            }
        }
        if (e instanceof LlmCallException call && RetryPolicy.isSpendLimit(call.failure())) {
            return new SessionOutcome.Failed("the API refused " + what + ": a spend or usage limit was reached: "
                    + call.failure().describe(), new SessionOutcome.EnvironmentFault("raise the organisation's limit in "
                    + "the Anthropic Console (or wait for it to reset); then `kleiber resume`"));
        }
        if (e instanceof LlmCallException call && RetryPolicy.isRetryable(call.failure())) {
            // the client already retried with backoff: a stronger model goes through the same API, so no ladder
            return new SessionOutcome.Failed("the API could not be reached for " + what + " after " + call.attempts()
                    + " tries: " + call.failure().describe(), new SessionOutcome.EnvironmentFault("check the network, "
                    + "ANTHROPIC_BASE_URL and https://status.anthropic.com (`kleiber doctor` tries a call); then "
                    + "`kleiber resume`"));
        }
        return new SessionOutcome.Failed("the model could not be reached: " + e.getMessage());
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.strip().lines().findFirst().orElse("");
    }
}

package dev.kleiber.llm;

import dev.kleiber.ledger.CallOutcome;
import dev.kleiber.ledger.CallResult;
import dev.kleiber.ledger.TokenUsage;

import java.util.Optional;

/** How one attempt of a call ended, with what it must be billed. */
sealed interface AttemptOutcome {

    CallResult billing();

    record Answered(LlmResponse response) implements AttemptOutcome {
        @Override
        public CallResult billing() {
            return new CallResult(response.answeredModel(), response.usage(), CallOutcome.OK, response.requestId());
        }
    }

    /** @param billed the usage the API reported before the attempt failed (none for an HTTP error) */
    record Failed(LlmFailure failure, String answeredModel, TokenUsage billed, Optional<String> requestId)
            implements AttemptOutcome {
        @Override
        public CallResult billing() {
            CallOutcome outcome = failure instanceof LlmFailure.Cancelled ? CallOutcome.CANCELLED : CallOutcome.ERROR;
            return new CallResult(answeredModel, billed, outcome, requestId);
        }
    }
}

package dev.kleiber.conductor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.KleiberException;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.llm.CacheBreakpoints;
import dev.kleiber.llm.CacheControl;
import dev.kleiber.llm.ContentBlock;
import dev.kleiber.llm.LlmClient;
import dev.kleiber.llm.LlmRequest;
import dev.kleiber.llm.LlmResponse;
import dev.kleiber.llm.Message;
import dev.kleiber.llm.ToolDefinition;
import dev.kleiber.plan.InvalidPlanException;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlanProblem;
import dev.kleiber.plan.RoleScopes;
import dev.kleiber.plan.SubmitPlanTool;
import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Plans a request as the blueprint orders it: the conductor (Opus) drafts the plan through the
 * {@code submit_plan} tool, whose input is validated like a plan file (a broken plan goes back with every
 * problem named); the architect (Opus) reviews it through {@code review_plan} and approves or returns
 * feedback, which the conductor answers with a revised plan. Both are bounded: a plan the architect has not
 * approved after {@code maxReviews} rounds is refused, never used.
 */
public final class Planner {
    static final String REVIEW_TOOL = "review_plan";
    private static final int MAX_INVALID_DRAFTS = 3;

    private final LlmClient client;
    private final String conductorModel;
    private final String architectModel;
    private final RoleScopes roles;
    private final int maxReviews;
    private final int maxOutputTokens;

    /** {@code roles}: the roles a task may name and where each may write; a task's files must fit its role. */
    public Planner(LlmClient client, String conductorModel, String architectModel, RoleScopes roles, int maxReviews,
                   int maxOutputTokens) {
        this.client = client;
        this.conductorModel = conductorModel;
        this.architectModel = architectModel;
        this.roles = roles;
        this.maxReviews = maxReviews;
        this.maxOutputTokens = maxOutputTokens;
    }

    /** The approved plan, how many review rounds it took, the architect's feedback on the way, and the tokens. */
    public record Result(Plan plan, JsonNode submitted, int reviews, List<String> feedback, TokenUsage usage) {
        public Result {
            feedback = List.copyOf(feedback);
        }
    }

    /**
     * @param conductorPrompt the conductor role's prompt; {@code architectPrompt} likewise
     * @param overview        what the conductor knows of the repository: its files and README, already capped
     */
    public Result plan(String runId, String request, String overview, String conductorPrompt, String architectPrompt) {
        SubmitPlanTool submit = new SubmitPlanTool(roles);
        List<ToolDefinition> conductorTools = CacheBreakpoints.onLastTool(List.of(
                ToolDefinition.of(SubmitPlanTool.NAME, SubmitPlanTool.DESCRIPTION, submit.inputSchema())), CacheControl.ONE_HOUR);
        List<ContentBlock.Text> conductorSystem = List.of(ContentBlock.Text.of(conductorPrompt.strip() + "\n\n"
                + planningRules()).withCacheControl(CacheControl.ONE_HOUR));
        List<Message> conversation = new ArrayList<>(List.of(Message.user("Request:\n" + request.strip()
                + "\n\nRepository:\n" + overview.strip() + "\n\nPlan the work and call " + SubmitPlanTool.NAME + ".")));
        TokenUsage usage = TokenUsage.NONE;
        List<String> feedback = new ArrayList<>();
        int invalid = 0;
        for (int review = 1; ; ) {
            LlmResponse draft = client.send(context(runId, Roles.CONDUCTOR, review), LlmRequest.of(conductorModel,
                    conductorSystem, conductorTools, CacheBreakpoints.onConversationTail(conversation, CacheControl.FIVE_MINUTES),
                    maxOutputTokens));
            usage = usage.plus(draft.usage());
            conversation.add(draft.asAssistantMessage());
            Optional<ContentBlock.ToolUse> call = draft.toolUses().stream()
                    .filter(use -> use.name().equals(SubmitPlanTool.NAME)).findFirst();
            if (call.isEmpty()) {
                if (++invalid > MAX_INVALID_DRAFTS) {
                    throw KleiberException.failed("the conductor did not submit a plan after " + MAX_INVALID_DRAFTS
                            + " reminders");
                }
                conversation.add(Message.user(answerOthers(draft, "Call " + SubmitPlanTool.NAME + " with the plan.")));
                continue;
            }
            Plan plan;
            try {
                plan = submit.parse(call.get().input());
            } catch (InvalidPlanException e) {
                if (++invalid > MAX_INVALID_DRAFTS) {
                    throw KleiberException.failed("the conductor's plan was still invalid after " + MAX_INVALID_DRAFTS
                            + " corrections: " + problems(e.problems()));
                }
                conversation.add(Message.user(results(draft, call.get(), "The plan is invalid: "
                        + problems(e.problems()) + ". Fix every problem and call " + SubmitPlanTool.NAME + " again.", true)));
                continue;
            }
            Review verdict = review(runId, review, request, call.get().input(), architectPrompt);
            usage = usage.plus(verdict.usage());
            if (verdict.approved()) {
                return new Result(plan, call.get().input(), review, feedback, usage);
            }
            feedback.add(verdict.feedback());
            if (review == maxReviews) {
                throw KleiberException.failed("the architect did not approve the plan after " + maxReviews
                        + " review rounds; last feedback: " + verdict.feedback());
            }
            review++;
            conversation.add(Message.user(results(draft, call.get(), "The architect rejected the plan: "
                    + verdict.feedback() + "\nRevise the plan and call " + SubmitPlanTool.NAME + " again.", true)));
        }
    }

    private record Review(boolean approved, String feedback, TokenUsage usage) {
    }

    private Review review(String runId, int round, String request, JsonNode plan, String architectPrompt) {
        ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("approved").put("type", "boolean").put("description", "true to approve the plan as it is");
        properties.putObject("feedback").put("type", "string")
                .put("description", "What must change, task by task; or why it is sound");
        schema.putArray("required").add("approved").add("feedback");
        List<ToolDefinition> tools = List.of(ToolDefinition.of(REVIEW_TOOL, "Approve the plan, or reject it with "
                + "feedback saying exactly what the conductor must change.", schema));
        List<Message> conversation = new ArrayList<>(List.of(Message.user("Review this plan before work begins.\n\n"
                + "Request:\n" + request.strip() + "\n\nPlan (as submitted):\n" + plan.toPrettyString()
                + "\n\nCall " + REVIEW_TOOL + ".")));
        TokenUsage usage = TokenUsage.NONE;
        for (int reminder = 0; reminder <= MAX_INVALID_DRAFTS; reminder++) {
            LlmResponse answer = client.send(context(runId, Roles.ARCHITECT, round),
                    LlmRequest.of(architectModel, List.of(ContentBlock.Text.of(architectPrompt.strip())), tools,
                            conversation, maxOutputTokens));
            usage = usage.plus(answer.usage());
            Optional<ContentBlock.ToolUse> call = answer.toolUses().stream()
                    .filter(use -> use.name().equals(REVIEW_TOOL)).findFirst();
            if (call.isPresent() && call.get().input().path("approved").isBoolean()) {
                return new Review(call.get().input().path("approved").asBoolean(),
                        call.get().input().path("feedback").asText("").strip(), usage);
            }
            conversation.add(answer.asAssistantMessage());
            conversation.add(Message.user(call.map(c -> results(answer, c, REVIEW_TOOL
                    + " needs 'approved' (true or false) and 'feedback'.", true))
                    .orElseGet(() -> answerOthers(answer, "Call " + REVIEW_TOOL + " with your verdict."))));
        }
        throw KleiberException.failed("the architect did not give a verdict on the plan");
    }

    /** The tool results a turn owes (one per tool call) with {@code text} answering {@code call}. */
    private static List<ContentBlock> results(LlmResponse turn, ContentBlock.ToolUse call, String text, boolean error) {
        List<ContentBlock> blocks = new ArrayList<>();
        for (ContentBlock.ToolUse use : turn.toolUses()) {
            blocks.add(use.id().equals(call.id())
                    ? new ContentBlock.ToolResult(use.id(), text, error, Optional.empty())
                    : ContentBlock.ToolResult.error(use.id(), "not available while planning"));
        }
        return blocks;
    }

    /** A reminder, after answering any tool calls of the turn (the API wants a result for each). */
    private static List<ContentBlock> answerOthers(LlmResponse turn, String reminder) {
        List<ContentBlock> blocks = new ArrayList<>();
        turn.toolUses().forEach(use -> blocks.add(ContentBlock.ToolResult.error(use.id(), "not available while planning")));
        blocks.add(ContentBlock.Text.of(reminder));
        return blocks;
    }

    private static CallContext context(String runId, String agent, int round) {
        return new CallContext(runId, "plan", round, agent, Tier.OPUS);
    }

    private String planningRules() {
        return """
                ## How Kleiber plans
                - One task per agent role and per reviewable change; give each an id (lower-case words and digits \
                joined by hyphens, e.g. feat-001), a one-line title, a description the agent receives verbatim, \
                acceptance criteria a validator can check, the ids it depends on, a priority and the files it expects \
                to touch.
                - Roles you may assign: %s. Engineers own src/frontend, src/components (frontend) and src/backend, \
                src/services, src/db, tests/integration (backend); the scribe owns docs; the validator only reports.
                - Suggest a model only where the policy is not obvious: Haiku for boilerplate, Sonnet for features, \
                Opus for deep reasoning. Payments, authentication/authorization, encryption, compliance and \
                multi-service refactors always run on Opus with human review, whatever you suggest.
                - The architect reviews the plan before work begins; answer its feedback with a revised plan.
                """.formatted(String.join(", ", new TreeSet<>(roles.roles())));
    }

    private static String problems(List<PlanProblem> problems) {
        return String.join("; ", problems.stream().map(PlanProblem::toString).toList());
    }
}

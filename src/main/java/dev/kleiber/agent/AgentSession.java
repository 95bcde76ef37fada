package dev.kleiber.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kleiber.KleiberException;
import dev.kleiber.agent.ToolCatalogue.ToolSpec;
import dev.kleiber.ledger.BudgetExceededException;
import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.llm.CacheBreakpoints;
import dev.kleiber.llm.CacheControl;
import dev.kleiber.llm.ContentBlock;
import dev.kleiber.llm.LlmClient;
import dev.kleiber.llm.LlmRequest;
import dev.kleiber.llm.LlmResponse;
import dev.kleiber.llm.Message;
import dev.kleiber.llm.StopReason;
import dev.kleiber.llm.StreamListener;
import dev.kleiber.llm.ThinkingBinding;
import dev.kleiber.llm.ToolDefinition;
import dev.kleiber.protocol.BlockType;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * The tool loop of one agent on one task. Tools and system prompt carry a one-hour cache breakpoint and the
 * conversation tail a five-minute one that moves forward each turn, so every turn reads the conversation so
 * far from cache and pays full price only for what is new. Tool outputs are capped, and when the
 * conversation grows past its limit the oldest tool outputs are condensed to a note; when its prompt nears the
 * model's context window it is compacted into the agent's own summary ({@link Compactor}).
 */
public final class AgentSession {
    /** Times the agent may stop talking without finishing before the session fails. */
    private static final int MAX_NUDGES = 2;

    private final LlmClient client;
    private final SessionLimits limits;

    public AgentSession(LlmClient client, SessionLimits limits) {
        this.client = client;
        this.limits = limits;
    }

    /** What the session is given: whom it bills, the model, the prompts, the tools and their executor. */
    public record Setup(CallContext context, String modelId, String systemPrompt, List<ToolSpec> tools,
                        String firstMessage, ToolExecutor executor) {
        public Setup {
            tools = List.copyOf(tools);
        }
    }

    /** Hears a session as it goes, e.g. to write the started file once the agent has stated its approach. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        default void onApproach(String approach) {
        }

        default void onToolCall(String tool, JsonNode input, ToolResult result) {
        }

        default StreamListener stream() {
            return StreamListener.NONE;
        }

        /** A model call of the session was answered (and so billed): spend can be shown as it happens. */
        default void onAnswered() {
        }

        /** The conversation neared the context window and was compacted into a summary. */
        default void onCompacted(SessionCompaction compaction) {
        }
    }

    public SessionReport run(Setup setup, Listener listener) {
        List<ToolDefinition> tools = CacheBreakpoints.onLastTool(setup.tools().stream()
                .map(spec -> ToolDefinition.of(spec.name(), spec.description(), spec.inputSchema())).toList(),
                CacheControl.ONE_HOUR);
        List<ContentBlock.Text> system = CacheBreakpoints.onLastSystemBlock(
                List.of(ContentBlock.Text.of(setup.systemPrompt())), CacheControl.ONE_HOUR);
        List<Message> conversation = new ArrayList<>(List.of(Message.user(setup.firstMessage())));
        TokenUsage usage = TokenUsage.NONE;
        Optional<String> answeredModel = Optional.empty();
        Optional<String> approach = Optional.empty();
        boolean scripted = false;
        int nudges = 0;
        Compactor compactor = new Compactor(client, limits);
        for (int turn = 1; turn <= limits.maxTurns(); turn++) {
            if (Thread.currentThread().isInterrupted()) {
                // the conductor lost this task's lease (or the run stops): another worker may own it now
                return report(new SessionOutcome.Failed("the session was stopped before turn " + turn), answeredModel,
                        usage, turn - 1, approach, scripted);
            }
            condenseIfLarge(conversation);
            LlmResponse response;
            try {
                Optional<Compactor.Compacted> compacted = compactor.compactIfNear(setup.context(), setup.modelId(),
                        system, tools, conversation, turn, listener.stream());
                if (compacted.isPresent()) {
                    LlmResponse summary = compacted.get().summary();
                    usage = usage.plus(summary.usage());
                    scripted |= summary.scripted();
                    conversation.clear();
                    conversation.addAll(compacted.get().conversation());
                    listener.onCompacted(compacted.get().event());
                }
                LlmRequest request = LlmRequest.of(setup.modelId(), system, tools,
                        CacheBreakpoints.onConversationTail(conversation, CacheControl.FIVE_MINUTES), limits.maxOutputTokens());
                response = client.send(setup.context(), request, listener.stream());
            } catch (BudgetExceededException e) {
                return report(new SessionOutcome.Failed("budget: " + e.getMessage(), new SessionOutcome.BudgetStop()),
                        answeredModel, usage, turn - 1, approach, scripted);
            } catch (KleiberException e) {
                // a model that cannot be used (retired, unpriced) or a refused key is the environment's failure, typed
                return report(ModelFailures.failed(e, setup.modelId(), setup.context().tier()),
                        answeredModel, usage, turn - 1, approach, scripted);
            }
            usage = usage.plus(response.usage());
            listener.onAnswered();
            answeredModel = Optional.of(response.answeredModel());
            scripted |= response.scripted();
            if (approach.isEmpty()) {
                approach = Optional.of(response.text().strip()).filter(text -> !text.isEmpty());
                approach.ifPresent(listener::onApproach);
            }
            conversation.add(response.asAssistantMessage());
            compactor.answered(response.usage(), conversation.size());

            List<ContentBlock> results = new ArrayList<>();
            Optional<SessionOutcome> finished = Optional.empty();
            for (ContentBlock.ToolUse call : response.toolUses()) {
                if (finished.isPresent()) {
                    results.add(ContentBlock.ToolResult.error(call.id(), "not run: the session already ended"));
                    continue;
                }
                Optional<ToolName> protocol = ToolName.parse(call.name()).filter(ToolName::isProtocol)
                        .filter(tool -> setup.tools().stream().anyMatch(spec -> spec.name().equals(tool.wireName())));
                if (protocol.isPresent()) {
                    ProtocolCall outcome = protocolCall(protocol.get(), call.input());
                    results.add(outcome.error().map(error -> ContentBlock.ToolResult.error(call.id(), error))
                            .orElse(ContentBlock.ToolResult.ok(call.id(), "Recorded. The session ends here.")));
                    finished = outcome.outcome();
                    continue;
                }
                ToolResult result = setup.executor().execute(call.name(), call.input());
                listener.onToolCall(call.name(), call.input(), result);
                String text = cap(result.text());
                results.add(result.isError() ? ContentBlock.ToolResult.error(call.id(), text)
                        : ContentBlock.ToolResult.ok(call.id(), text));
            }
            if (finished.isPresent()) {
                return report(finished.get(), answeredModel, usage, turn, approach, scripted);
            }
            if (usage.totalInput() + usage.output() > limits.maxSessionTokens()) {
                return report(new SessionOutcome.Failed("the session used " + (usage.totalInput() + usage.output())
                        + " tokens, over its limit of " + limits.maxSessionTokens()), answeredModel, usage, turn,
                        approach, scripted);
            }
            if (!results.isEmpty()) {
                conversation.add(Message.user(results));
                continue;
            }
            String nudge = switch (response.stopReason()) {
                case MAX_TOKENS -> "Your answer was cut at the output limit. Continue, using tools to write files "
                        + "rather than long text.";
                case REFUSAL -> null;
                default -> ++nudges > MAX_NUDGES ? null : "Keep working with the tools. When the acceptance "
                        + "criteria are met call complete_task; if you cannot go on call report_blocked; if the task "
                        + "needs a stronger model call request_escalation.";
            };
            if (nudge == null) {
                String why = response.stopReason() == StopReason.REFUSAL ? "the model refused the task"
                        : "the agent stopped without calling complete_task, report_blocked or request_escalation";
                return report(new SessionOutcome.Failed(why), answeredModel, usage, turn, approach, scripted);
            }
            conversation.add(Message.user(nudge));
        }
        return report(new SessionOutcome.Failed("the session reached its limit of " + limits.maxTurns() + " turns"),
                answeredModel, usage, limits.maxTurns(), approach, scripted);
    }

    private static SessionReport report(SessionOutcome outcome, Optional<String> model, TokenUsage usage, int turns,
                                        Optional<String> approach, boolean scripted) {
        return new SessionReport(outcome, model, usage, turns, approach, scripted);
    }

    /** A protocol tool's effect: an outcome that ends the session, or an error for the model to fix. */
    record ProtocolCall(Optional<SessionOutcome> outcome, Optional<String> error) {
        static ProtocolCall ends(SessionOutcome outcome) {
            return new ProtocolCall(Optional.of(outcome), Optional.empty());
        }

        static ProtocolCall refused(String error) {
            return new ProtocolCall(Optional.empty(), Optional.of(error));
        }
    }

    static ProtocolCall protocolCall(ToolName tool, JsonNode input) {
        return switch (tool) {
            case COMPLETE_TASK -> text(input, "summary")
                    .map(summary -> ProtocolCall.ends(new SessionOutcome.Completed(summary, texts(input, "decisions"))))
                    .orElse(ProtocolCall.refused("complete_task needs a non-empty 'summary' (text)"));
            case REPORT_BLOCKED -> {
                Optional<BlockType> type = text(input, "type").flatMap(BlockType::parse);
                Optional<String> problem = text(input, "problem");
                Optional<String> need = text(input, "need");
                if (type.isEmpty() || problem.isEmpty() || need.isEmpty()) {
                    yield ProtocolCall.refused("report_blocked needs 'type' (merge_conflict, dependency, "
                            + "unclear_requirements or technical), 'problem' and 'need' (texts)");
                }
                yield ProtocolCall.ends(new SessionOutcome.Blocked(type.get(), problem.get(),
                        texts(input, "attempted"), need.get()));
            }
            case REQUEST_ESCALATION -> text(input, "reason")
                    .map(reason -> ProtocolCall.ends(new SessionOutcome.Escalated(reason)))
                    .orElse(ProtocolCall.refused("request_escalation needs a non-empty 'reason' (text)"));
            default -> throw new IllegalArgumentException(tool + " is not a protocol tool");
        };
    }

    private static Optional<String> text(JsonNode input, String field) {
        JsonNode node = input.path(field);
        return node.isTextual() && !node.asText().isBlank() ? Optional.of(node.asText().strip()) : Optional.empty();
    }

    private static List<String> texts(JsonNode input, String field) {
        JsonNode node = input.path(field);
        if (node.isTextual()) {
            return node.asText().isBlank() ? List.of() : List.of(node.asText().strip());
        }
        return StreamSupport.stream(node.spliterator(), false).filter(JsonNode::isTextual).map(JsonNode::asText)
                .map(String::strip).filter(text -> !text.isEmpty()).toList();
    }

    private String cap(String text) {
        if (text.length() <= limits.maxToolResultChars()) {
            return text;
        }
        int half = limits.maxToolResultChars() / 2;
        return text.substring(0, half) + "\n[… " + (text.length() - 2 * half) + " characters left out …]\n"
                + text.substring(text.length() - half);
    }

    /**
     * Replaces old tool outputs by a note once the conversation is large. It changes the cached prefix, so it
     * happens rarely and in one go: every tool output but the most recent few.
     */
    void condenseIfLarge(List<Message> conversation) {
        long size = conversation.stream().flatMap(m -> m.content().stream()).mapToLong(AgentSession::chars).sum();
        if (size <= limits.condenseAboveChars()) {
            return;
        }
        int seen = 0;
        int firstChanged = conversation.size();
        for (int m = conversation.size() - 1; m >= 0; m--) {
            Message message = conversation.get(m);
            List<ContentBlock> blocks = new ArrayList<>(message.content());
            boolean changed = false;
            for (int b = blocks.size() - 1; b >= 0; b--) {
                if (blocks.get(b) instanceof ContentBlock.ToolResult result && ++seen > limits.keepRecentToolResults()
                        && result.content().length() > 200) {
                    blocks.set(b, new ContentBlock.ToolResult(result.toolUseId(), "[older output condensed: "
                            + result.content().length() + " characters; run the tool again if you need it]",
                            result.isError(), Optional.empty()));
                    changed = true;
                }
            }
            if (changed) {
                conversation.set(m, new Message(message.role(), blocks));
                firstChanged = m;
            }
        }
        // The thinking of every later turn was bound to the outputs just condensed: the API would refuse it.
        ThinkingBinding.dropFrom(conversation, firstChanged);
    }

    private static long chars(ContentBlock block) {
        return switch (block) {
            case ContentBlock.Text text -> text.text().length();
            case ContentBlock.ToolUse use -> use.input().toString().length();
            case ContentBlock.ToolResult result -> result.content().length();
            case ContentBlock.Thinking thinking -> thinking.thinking().length() + thinking.signature().length();
            case ContentBlock.RedactedThinking redacted -> redacted.data().length();
        };
    }
}

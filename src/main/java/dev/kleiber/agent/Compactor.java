package dev.kleiber.agent;

import dev.kleiber.ledger.CallContext;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.llm.CacheBreakpoints;
import dev.kleiber.llm.CacheControl;
import dev.kleiber.llm.ContentBlock;
import dev.kleiber.llm.LlmClient;
import dev.kleiber.llm.LlmRequest;
import dev.kleiber.llm.LlmResponse;
import dev.kleiber.llm.Message;
import dev.kleiber.llm.Role;
import dev.kleiber.llm.StreamListener;
import dev.kleiber.llm.ThinkingBinding;
import dev.kleiber.llm.TokenEstimate;
import dev.kleiber.llm.ToolDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps a long session inside the model's context window. Before each turn it judges the prompt's size from the
 * last answer's reported usage plus a high estimate of what was added since; only when that passes
 * {@link SessionLimits#compactAtTokens()} does it ask the API for the exact count. When the count passes too, the
 * model writes a summary of its work (one extra call, reading the conversation from cache), and the conversation
 * becomes: the task with that summary, then the last {@link #KEEP_EXCHANGES} exchanges unchanged — each kept
 * {@code tool_use} with its {@code tool_result}. The first message is new, so every kept thinking block is bound
 * to a different prefix and is dropped ({@link ThinkingBinding}); the cache breakpoints stay where the loop puts them.
 */
final class Compactor {
    /** Assistant turns kept as they were, with the tool results answering them. */
    static final int KEEP_EXCHANGES = 2;
    static final String SUMMARY_REQUEST = "[Kleiber] This conversation is about to outgrow the model's context window. "
            + "Do not call a tool now. Write a summary that lets you continue the task without the conversation so far: "
            + "your approach, what you have done (every file you created, changed or deleted), what you found out, "
            + "commands and their outcomes that matter, and what remains to do. Only the summary and your last two "
            + "turns will be kept.";
    static final String SUMMARY_HEADING = "[Kleiber] The conversation grew near the context window at turn %d and was "
            + "compacted. Your summary of the work so far:";

    private final LlmClient client;
    private final SessionLimits limits;
    /** The prompt's size as the API last reported it (input and output of the last answer). */
    private long knownTokens;
    /** How many messages the conversation held when {@link #knownTokens} was true. */
    private int knownMessages;

    Compactor(LlmClient client, SessionLimits limits) {
        this.client = client;
        this.limits = limits;
    }

    /** What a compaction left: the new conversation, the event to record, and the summary call's answer. */
    record Compacted(List<Message> conversation, SessionCompaction event, LlmResponse summary) {
    }

    /** The API answered: its usage is the exact size of the conversation up to and including the answer. */
    void answered(TokenUsage usage, int messages) {
        knownTokens = usage.totalInput() + usage.output();
        knownMessages = messages;
    }

    /**
     * Compacts {@code conversation} when its next request would pass the threshold.
     *
     * @throws dev.kleiber.ledger.BudgetExceededException when the budget refuses the summary call
     * @throws dev.kleiber.KleiberException               when the summary call fails for good
     */
    Optional<Compacted> compactIfNear(CallContext context, String model, List<ContentBlock.Text> system,
                                      List<ToolDefinition> tools, List<Message> conversation, int turn,
                                      StreamListener stream) {
        if (estimate(conversation) < limits.compactAtTokens()) {
            return Optional.empty();
        }
        long before = client.countInputTokens(request(model, system, tools, conversation));
        int cut = cut(conversation);
        if (before < limits.compactAtTokens() || cut <= 1) {
            return Optional.empty();
        }
        List<Message> asking = new ArrayList<>(conversation);
        List<ContentBlock> last = new ArrayList<>(asking.getLast().content());
        last.add(ContentBlock.Text.of(SUMMARY_REQUEST));
        asking.set(asking.size() - 1, new Message(Role.USER, last));
        LlmResponse answer = client.send(context, request(model, system, tools, asking), stream);

        List<ContentBlock> first = new ArrayList<>(conversation.getFirst().content());
        first.add(ContentBlock.Text.of(SUMMARY_HEADING.formatted(turn) + "\n\n" + summary(answer, conversation, cut)));
        List<Message> compacted = new ArrayList<>();
        compacted.add(new Message(Role.USER, first));
        compacted.addAll(conversation.subList(cut, conversation.size()));
        ThinkingBinding.dropFrom(compacted, 1);
        long after = client.countInputTokens(request(model, system, tools, compacted));
        knownTokens = after;
        knownMessages = compacted.size();
        return Optional.of(new Compacted(List.copyOf(compacted), new SessionCompaction(turn, before, after, cut), answer));
    }

    private LlmRequest request(String model, List<ContentBlock.Text> system, List<ToolDefinition> tools,
                               List<Message> conversation) {
        return LlmRequest.of(model, system, tools, CacheBreakpoints.onConversationTail(conversation,
                CacheControl.FIVE_MINUTES), limits.maxOutputTokens());
    }

    /** The last reported size plus a high estimate of the messages added since; high when the API never answered. */
    private long estimate(List<Message> conversation) {
        int from = Math.min(knownMessages, conversation.size());
        return knownTokens + TokenEstimate.of(conversation.subList(from, conversation.size()));
    }

    /**
     * Where the kept tail starts: the assistant message {@link #KEEP_EXCHANGES} turns back. Everything before it
     * is summarized; a tool result before it answers a tool call before it, so no pair is split.
     */
    private static int cut(List<Message> conversation) {
        int assistants = 0;
        for (int m = conversation.size() - 1; m > 0; m--) {
            if (conversation.get(m).role() == Role.ASSISTANT && ++assistants == KEEP_EXCHANGES) {
                return m;
            }
        }
        return 0;
    }

    /** The model's summary, or, when it wrote none, the tool calls it made (so the work done is not forgotten). */
    private static String summary(LlmResponse answer, List<Message> conversation, int cut) {
        String text = answer.text().strip();
        if (!text.isEmpty()) {
            return text;
        }
        List<String> calls = conversation.subList(0, cut).stream().flatMap(m -> m.content().stream())
                .filter(ContentBlock.ToolUse.class::isInstance).map(ContentBlock.ToolUse.class::cast)
                .map(use -> "- " + use.name() + " " + use.input().path("path").asText(use.input().path("command").asText("")))
                .toList();
        return "(The model wrote no summary.) Tool calls made so far:\n" + String.join("\n", calls);
    }
}
